import { InMemoryReadModels } from '@billing/shared/read-models';
import { startTestApp, type TestApp } from './testing/test-app';

/** Read models that stop answering until released, as a stalled Mongo server does. */
class StallingReadModels extends InMemoryReadModels {
  private gate?: Promise<void>;
  release = () => {};
  stall(): void {
    this.gate = new Promise((resolve) => (this.release = resolve));
  }
  override async find<T>(...args: Parameters<InMemoryReadModels['find']>) {
    await this.gate;
    return super.find<T>(...args);
  }
  override async get<T>(...args: Parameters<InMemoryReadModels['get']>) {
    await this.gate;
    return super.get<T>(...args);
  }
}

/** The answer, or 'no answer' after `ms`. */
const within = <T>(answer: PromiseLike<T>, ms: number) =>
  Promise.race([
    answer,
    new Promise<'no answer'>((resolve) => setTimeout(resolve, ms, 'no answer')),
  ]);

describe('health while the read models stall', () => {
  let test: TestApp;
  const readModels = new StallingReadModels();
  let logged: jest.SpyInstance;

  beforeAll(async () => {
    test = await startTestApp({ readModels });
    logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    readModels.stall();
  });
  afterAll(async () => {
    readModels.release();
    await test.close();
    logged.mockRestore();
  });

  it('answers liveness at once (the process answers; nothing it depends on is asked)', async () => {
    const reply = await within(test.client.get('/health/live'), 1_000);
    expect(reply === 'no answer' ? reply : reply.status).toBe(200);
  });

  it('answers readiness within its bound, not ready, naming the read models', async () => {
    const reply = await within(test.client.get('/health/ready'), 5_000);
    if (reply === 'no answer') throw new Error('readiness did not answer in 5 s');
    expect(reply.status).toBe(503);
    expect(JSON.stringify(reply.body)).toMatch(/read/i);
  }, 10_000);
});
