import fc from 'fast-check';
import type { SchemaChecker } from '../testing/openapi-document';
import { badBody } from './bodies';
import type { Operation } from './openapi';
import { sample } from './values';

/**
 * Flaws the document states in words (API conventions, the 400 of every POST), not in a schema that
 * ajv checks.
 */
function statedInWords(why: string, value: unknown): boolean {
  if (why.endsWith('beyond the safe integers')) return true;
  return (
    why.endsWith('not a date') &&
    typeof value === 'string' &&
    /^\d{4}-\d{2}-\d{2}$/.test(value) &&
    (value < '2000-01-01' || value > '2099-12-31')
  );
}

/**
 * The generator's own check, against the document's schemas (ajv): each sample body validates, and
 * each body with a flaw in one field does not. What it returns is a generator bug, not the app's.
 */
export function generatorMistakes(
  checker: SchemaChecker,
  operations: Operation[],
  seed: number,
  perOperation = 300,
): string[] {
  return operations.flatMap((operation) => {
    const schema = operation.body as Record<string, unknown> | undefined;
    if (!schema) return [];
    const refusedSample = checker.problems(schema, sample(operation.body!));
    const allowed = fc
      .sample(badBody(operation.body!), { numRuns: perOperation, seed })
      .filter(({ field, body }) => field !== undefined && typeof body === 'string')
      .filter(({ field, body, why }) => {
        const value = JSON.parse(body as string) as unknown;
        return !checker.problems(schema, value) && !statedInWords(why, valueAt(value, field!));
      });
    return [
      ...(refusedSample ? [`${operation.key}: the sample body is refused: ${refusedSample}`] : []),
      ...allowed.map(({ why, body }) => `${operation.key}: ${why} is allowed: ${String(body)}`),
    ];
  });
}

const valueAt = (value: unknown, field: string) =>
  field.split('.').reduce<any>((node, step) => node?.[step], value);
