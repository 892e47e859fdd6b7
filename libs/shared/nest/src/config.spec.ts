import { ConfigError, loadConfig } from './config';

describe('app config', () => {
  it('defaults to the embedded SQLite store on localhost', () => {
    expect(loadConfig({}, { port: 3000 })).toEqual({ port: 3000, host: '127.0.0.1', eventStore: 'sqlite', dataDir: 'data', timeZone: 'UTC' });
  });
  it('stops with every problem named', () => {
    expect(() => loadConfig({ PORT: 'x', EVENT_STORE: 'esdb', BILLING_TIME_ZONE: 'Mars/Base' }, { port: 3000 })).toThrow(ConfigError);
    try {
      loadConfig({ PORT: 'x', EVENT_STORE: 'esdb', BILLING_TIME_ZONE: 'Mars/Base' }, { port: 3000 });
    } catch (error) {
      expect((error as Error).message).toMatch(/PORT must be a port number[\s\S]*EVENT_STORE must be "sqlite" or "memory"[\s\S]*BILLING_TIME_ZONE/);
    }
  });
});
