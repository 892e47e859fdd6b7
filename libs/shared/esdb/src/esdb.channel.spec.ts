import http2 from 'node:http2';
import { startEsdbEmulator, type EsdbEmulator } from '@billing/infra/esdb-emulator';
import { RECEIVE_WINDOW } from './esdb.channel';
import { EsdbEventStore } from './esdb.event-store';

let emulator: EsdbEmulator;
beforeAll(async () => (emulator = await startEsdbEmulator({ port: 0 })));
afterAll(async () => emulator.stop());

/**
 * A file of its own: grpc-js shares connections between clients of one module registry, and this
 * one must open its own.
 */
describe('the connection EsdbEventStore opens', () => {
  it('lets the server send RECEIVE_WINDOW ahead, on the connection and on each call, not the 64 KiB HTTP/2 default', async () => {
    const connect = jest.spyOn(http2, 'connect');
    const store = new EsdbEventStore(emulator.url);
    try {
      await store.readAll({ maxCount: 1 });
      const session = connect.mock.results.at(-1)?.value as http2.ClientHttp2Session;
      expect(session.localSettings.initialWindowSize).toBe(RECEIVE_WINDOW);
      expect(session.state.localWindowSize).toBeGreaterThan(RECEIVE_WINDOW / 2);
    } finally {
      connect.mockRestore();
      await store.close();
    }
  });
});
