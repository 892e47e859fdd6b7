import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readiness } from './fan-out';
import { SERVICES, type Service } from './routes';

/** A stand-in service that answers readiness with `status` and `body`. */
async function upstream(status: number, body: object): Promise<{ url: string; server: Server }> {
  const server = createServer((_request, response) => {
    response.writeHead(status, { 'content-type': 'application/json' });
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
