import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Request, Response } from 'express';
import { readiness, refusals } from './fan-out';
import { SERVICES, type Service } from './routes';

/** A stand-in service that answers with `status` and `body` (a list with its total). */
async function upstream(status: number, body: object): Promise<{ url: string; server: Server }> {
  const server = createServer((_request, response) => {
    response.writeHead(status, {
      'content-type': 'application/json',
      ...(Array.isArray(body) ? { 'x-total-count': String(body.length) } : {}),
    });
    response.end(JSON.stringify(body));
  }).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe("the gateway's readiness", () => {
  const servers: Server[] = [];
  afterAll(() => Promise.all(servers.map((server) => new Promise((done) => server.close(done)))));

  const upstreams = async (answers: [number, object][]) => {
    const started = await Promise.all(answers.map(([status, body]) => upstream(status, body)));
    servers.push(...started.map(({ server }) => server));
    return Object.fromEntries(SERVICES.map((service, i) => [service, started[i].url])) as Record<
      Service,
      string
    >;
  };

  it('is ok when every service is, degraded (not unready) when one is degraded, and unready when one is not ready', async () => {
    const ok: [number, object] = [200, { status: 'ok' }];
    expect((await readiness(await upstreams([ok, ok, ok, ok]))).status).toBe('ok');
    const degraded = await readiness(
      await upstreams([ok, [200, { status: 'degraded', error: { bus: {} } }], ok, ok]),
    );
    expect(degraded.status).toBe('degraded');
    expect(degraded.services[SERVICES[1]]).toMatchObject({ status: 'degraded' });
    expect(
      (await readiness(await upstreams([ok, [200, { status: 'degraded' }], [503, {}], ok]))).status,
    ).toBe('error');
  });
});

describe("the gateway's refusals", () => {
  const servers: Server[] = [];
  afterAll(() => Promise.all(servers.map((server) => new Promise((done) => server.close(done)))));

  it("merges the services' lists in their own order: the time the message occurred, its id, then the consumer (one message refused by two)", async () => {
    const refusal = (consumer: string, occurredAt: string, messageId: string) => ({
      consumer,
      messageId,
      type: 'ContractPhaseChanged',
      reason: 'no retainage is held',
      occurredAt,
    });
    const [early, late] = ['2026-03-01T10:00:00.000Z', '2026-03-02T10:00:00.000Z'];
    const lists: Record<Service, object[]> = {
      contracts: [refusal('contracts', late, 'b')],
      milestones: [refusal('milestones', early, 'a')],
      invoicing: [refusal('invoicing', early, 'a')],
      receivables: [],
    };
    const started = await Promise.all(SERVICES.map((service) => upstream(200, lists[service])));
    servers.push(...started.map(({ server }) => server));
    const upstreams = Object.fromEntries(
      SERVICES.map((service, i) => [service, started[i].url]),
    ) as Record<Service, string>;
    let answered: { consumer: string }[] = [];
    const headers: Record<string, string> = {};
    const response = {
      setHeader: (name: string, value: string) => void (headers[name] = value),
      json: (body: { consumer: string }[]) => void (answered = body),
    } as unknown as Response;
    await refusals({ url: '/refusals?limit=10', headers: {} } as Request, response, upstreams);
    expect([answered.map(({ consumer }) => consumer), headers['X-Total-Count']]).toEqual([
      ['invoicing', 'milestones', 'contracts'],
      '3',
    ]);
  });
});
