import { createServer } from 'node:http';
import { AppProcess, freePort, nothingServed } from './service-process';

describe('a process npm run start:services runs', () => {
  async function started(env: Record<string, string>) {
    const port = await freePort();
    const lines: string[] = [];
    const app = new AppProcess({
      name: 'stand-in',
      main: 'tools/services/fixtures/short-lived.ts',
      env: { ...env, PORT: String(port) },
      healthUrl: `http://127.0.0.1:${port}/`,
      output: (line) => void lines.push(line),
    });
    return { app: await app.start(), lines };
  }

  it('says so when it dies on its own (before: nothing; only the gateway readiness showed it)', async () => {
    const { app, lines } = await started({ LIVE_MS: '200', EXIT_CODE: '3' });
    for (const deadline = Date.now() + 10_000; app.ended === undefined && Date.now() < deadline;)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(lines).toEqual(['[stand-in] exited (3) without being asked to stop']);
  }, 30_000);

  it('does not start on a port another process serves (its health check would answer for it)', async () => {
    const port = await freePort();
    const other = createServer((_request, response) => void response.end('ok'));
    await new Promise<void>((resolve) => other.listen(port, '127.0.0.1', resolve));
    try {
      const app = new AppProcess({
        name: 'stand-in',
        main: 'tools/services/fixtures/short-lived.ts',
        env: { PORT: String(port) },
        healthUrl: `http://127.0.0.1:${port}/`,
        output: () => undefined,
      });
      await expect(app.start()).rejects.toThrow(
        `stand-in cannot start: 127.0.0.1:${port} is taken (another npm run start:services or npm start?)`,
      );
      expect(app.pid).toBeUndefined();
    } finally {
      other.closeAllConnections();
      await new Promise((resolve) => other.close(resolve));
    }
  });

  it('tells the launcher when nothing is served any more: the gateway gone, or every service', () => {
    const [up, gone] = [{ ended: undefined }, { ended: 1 }];
    expect(nothingServed(up, [up, gone, gone, gone])).toBeUndefined();
    expect(nothingServed(gone, [up, up, up, up])).toBe('the gateway has exited');
    expect(nothingServed(up, [gone, { ended: 'SIGKILL' as const }, gone, gone])).toBe(
      'every service has exited',
    );
  });

  it('says nothing when it is stopped or killed on purpose', async () => {
    const stopped = await started({});
    await stopped.app.stop();
    const killed = await started({});
    await killed.app.kill();
    expect([...stopped.lines, ...killed.lines]).toEqual([]);
  }, 30_000);
});
