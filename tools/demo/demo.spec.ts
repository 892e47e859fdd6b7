import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { testToken } from '@billing/shared/testing';
import { startTestApp } from '../../apps/standalone/src/testing/test-app';

const ROOT = join(__dirname, '../..');

const listening = async (server: Server): Promise<number> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
};

/** `npm run demo` against `url`: its exit code and everything it printed. */
async function demoAgainst(url: string): Promise<[number | null, string]> {
  const token = await testToken({ subject: 'demo', roles: ['billing'] });
  const demo = spawn(process.execPath, ['-r', './tools/register.js', 'tools/demo/demo.ts'], {
    cwd: ROOT,
    env: { ...process.env, BASE_URL: url, BILLING_TOKEN: token },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  demo.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  demo.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return [await new Promise<number | null>((resolve) => demo.once('exit', resolve)), output];
}

/**
 * In front of the app at `port`: some POSTs answered 503 (Retry-After: 0) or their connection
 * dropped (as by a process killed and restarting) before they reach it, others after it carried
 * them out (the answer lost, or cut within its body, as when a service dies mid-request).
 */
function flaky(port: number): Server {
  let posts = 0;
  return createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const n = request.method === 'POST' ? ++posts : 0;
      const unavailable = () =>
        void response
          .writeHead(503, { 'retry-after': '0', 'content-type': 'application/problem+json' })
          .end('{"title":"Service Unavailable","status":503}');
      if (n % 7 === 3) return unavailable();
      if (n % 7 === 1) return void request.socket.destroy();
      const headers = Object.fromEntries(
        ['authorization', 'content-type', 'idempotency-key'].flatMap((name) =>
          request.headers[name] ? [[name, String(request.headers[name])]] : [],
        ),
      );
      void fetch(`http://127.0.0.1:${port}${request.url}`, {
        method: request.method,
        headers,
        body: request.method === 'POST' ? Buffer.concat(chunks) : undefined,
      }).then(async (answer) => {
        const body = Buffer.from(await answer.arrayBuffer());
        if (n % 7 === 5) return unavailable();
        if (n % 7 === 6) return void request.socket.destroy();
        if (n % 7 === 4) {
          // The answer cut within its body.
          response.writeHead(answer.status, { 'content-length': String(body.length + 10) });
          response.write(body.subarray(0, 1));
          return void setTimeout(() => request.socket.destroy(), 20);
        }
        response
          .writeHead(answer.status, {
            'content-type': answer.headers.get('content-type') ?? 'application/json',
          })
          .end(body);
      });
    });
  });
}

describe('npm run demo', () => {
  it('bills the construction contract against a running system and prints its figures', async () => {
    const test = await startTestApp();
    try {
      const port = await listening(test.app.getHttpServer() as Server);
      const [code, output] = await demoAgainst(`http://127.0.0.1:${port}`);
      expect([code, output]).toEqual([0, expect.stringContaining('Pay application 4')]);
      expect(output).toMatch(/Retainage release: invoice INV-\d{4}-\d{5}/);
      expect(output).toMatch(
        /Contract closed: billed 1,045,678.90 \+ tax 86,268.52, paid 1,131,947.42, outstanding 0.00/,
      );
    } finally {
      await test.close();
    }
  }, 120_000);

  it('rides out answers of 503 and dropped connections, before or after a command was carried out, and does nothing twice', async () => {
    const test = await startTestApp();
    const front = flaky(await listening(test.app.getHttpServer() as Server));
    try {
      const [code, output] = await demoAgainst(`http://127.0.0.1:${await listening(front)}`);
      // Before: "create contract failed with 503" at the third POST.
      expect([code, output]).toEqual([0, expect.stringContaining('Pay application 4')]);
      expect(output).toMatch(
        /Contract closed: billed 1,045,678.90 \+ tax 86,268.52, paid 1,131,947.42, outstanding 0.00/,
      );
    } finally {
      await new Promise((resolve) => front.close(resolve));
      await test.close();
    }
  }, 120_000);
});
