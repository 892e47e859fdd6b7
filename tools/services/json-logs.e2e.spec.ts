import { randomUUID } from 'node:crypto';
import { expectOk, fetchClient, smallContract, waitFor } from '@billing/shared/testing';
import { AppProcess, freePort } from './service-process';

type Line = Record<string, any>;

/** `npm start` as a child process: what it writes is what a log shipper reads. */
async function runEmbeddedApp(work: (baseUrl: string) => Promise<void>): Promise<string[]> {
  const port = await freePort();
  const output: string[] = [];
  const env = {
    PORT: String(port),
    HOST: '127.0.0.1',
    EVENT_STORE: 'memory',
    AUTH: 'off',
    LOG_LEVEL: 'info',
  };
  const app = new AppProcess({
    name: 'app',
    main: 'apps/standalone/src/main.ts',
    env,
    healthUrl: `http://127.0.0.1:${port}/health/live`,
    output: (line) => output.push(line),
  });
  try {
    await app.start();
    await work(`http://127.0.0.1:${port}`);
  } finally {
    await app.stop();
  }
  return output.map((line) => line.replace(/^\[app\] /, ''));
}

describe('JSON logs (the embedded app as a process)', () => {
  it('writes only JSON lines, and puts the correlation id on the request lines and on the reactions of the other contexts', async () => {
    const correlationId = `logs-${randomUUID()}`;
    let contractId = '';
    const lines = await runEmbeddedApp(async (baseUrl) => {
      const client = fetchClient(baseUrl);
      const headers = { 'x-correlation-id': correlationId };
      contractId = (
        await expectOk<{ contractId: string }>(
          client.post('/contracts', smallContract(), headers),
          'create',
        )
      ).contractId;
      await expectOk(
        client.post(`/contracts/${contractId}/activate`, { date: '2026-01-05' }, headers),
        'activate',
      );
      // Activation opens the schedule (milestones) and the ledger (invoicing) through the bus.
      await waitFor(client, `/contracts/${contractId}/schedule`, () => true, 'the schedule');
      await waitFor(client, `/contracts/${contractId}/billing`, () => true, 'the ledger');
    });

    const unparsable = lines.filter((line) => !isJson(line));
    expect(unparsable).toEqual([]);
    const entries = lines.map((line) => JSON.parse(line) as Line);
    expect(
      entries.every(
        (entry) =>
          typeof entry.level === 'string' &&
          typeof entry.time === 'string' &&
          typeof entry.msg === 'string',
      ),
    ).toBe(true);
    expect(entries[0]).toMatchObject({ service: 'billing' });

    const ours = entries.filter((entry) => entry.correlationId === correlationId);
    const requests = ours
      .filter((entry) => entry.req)
      .map((entry) => `${entry.req.method} ${entry.req.url} ${entry.res?.statusCode}`);
    expect(requests).toEqual(
      expect.arrayContaining(['POST /contracts 201', `POST /contracts/${contractId}/activate 200`]),
    );
    const reactions = ours.filter(
      (entry) => entry.consumer && entry.messageType === 'ContractActivated',
    );
    expect(reactions.map((entry) => entry.consumer)).toEqual(
      expect.arrayContaining(['milestones', 'invoicing']),
    );
    // A line written while a message is handled always says which request or reaction caused it.
    expect(entries.filter((entry) => entry.consumer && !entry.correlationId)).toEqual([]);
  }, 90_000);
});

function isJson(line: string): boolean {
  try {
    return typeof JSON.parse(line) === 'object';
  } catch {
    return false;
  }
}
