import { SchemaChecker, type OpenApi } from '../testing/openapi-document';
import { AT_LEAST, PARTITIONS, SEED, SKIPPED, startHarness, type Harness } from './harness';
import { generatorMistakes } from './self-check';

/**
 * Issue 6 item 7: requests generated from the served OpenAPI document, each malformed by
 * construction, to every operation of one partition: each is refused as malformed (400, 413 or 415)
 * with Problem Details and writes nothing. The partitions and the explicit skips together are every
 * operation of the document.
 */
export function expectEveryOperationRefusesMalformedRequests(partition: string): void {
  describe(`malformed requests to the ${partition} (fast-check, FC_SEED=${SEED})`, () => {
    let harness: Harness;
    beforeAll(async () => {
      harness = await startHarness();
    }, 60_000);
    afterAll(() => harness.close());

    it('are each refused as malformed with Problem Details, and write nothing', async () => {
      const { sent, failures } = await harness.run(partition);
      expect(failures).toEqual([]);
      const covered = Object.entries(sent).filter(([, count]) => count >= harness.runs);
      expect(covered.map(([key]) => key)).toEqual(
        harness.operations.filter(PARTITIONS[partition]).map((operation) => operation.key),
      );
    }, 240_000);

    it('cover, with the other partitions and the skips, every operation of the document, at least 5,000 requests in all', () => {
      const homes = harness.operations.map((operation) => ({
        operation: operation.key,
        homes: [
          ...Object.keys(PARTITIONS).filter((name) => PARTITIONS[name](operation)),
          ...SKIPPED.filter((key) => key === operation.key),
        ],
      }));
      expect(homes.filter(({ homes: where }) => where.length !== 1)).toEqual([]);
      const skipped = harness.operations.filter((operation) => SKIPPED.includes(operation.key));
      expect(
        skipped.filter(
          (operation) =>
            operation.pathParams.length + operation.queryParams.length > 0 || operation.body,
        ),
      ).toEqual([]);
      expect(harness.runs * (harness.operations.length - skipped.length)).toBeGreaterThanOrEqual(
        AT_LEAST,
      );
    });

    it('make only bodies the document refuses, from samples it accepts (checked with ajv)', () => {
      const checker = new SchemaChecker(harness.document as unknown as OpenApi);
      expect(
        generatorMistakes(checker, harness.operations.filter(PARTITIONS[partition]), SEED),
      ).toEqual([]);
    });

    it('find a JSON body schema for every command (the body guards require one)', () => {
      expect(
        harness.operations
          .filter((operation) => operation.method !== 'get' && !operation.body)
          .map((operation) => operation.key),
      ).toEqual([]);
    });
  });
}
