import { InMemoryReadModels } from '@billing/shared/read-models';
import { smallContract } from '@billing/shared/testing';
import { startTestApp } from '../../apps/standalone/src/testing/test-app';

class StallingReadModels extends InMemoryReadModels {
  private gate?: Promise<void>;
  release = () => {};
  stall(): void { this.gate = new Promise((resolve) => (this.release = resolve)); }
  override async find<T>(...args: Parameters<InMemoryReadModels['find']>) { await this.gate; return super.find<T>(...args); }
  override async get<T>(...args: Parameters<InMemoryReadModels['get']>) { await this.gate; return super.get<T>(...args); }
}
it('measures', async () => {
  const readModels = new StallingReadModels();
  const test = await startTestApp({ readModels });
  readModels.stall();
  for (const [what, call] of [
    ['create', () => test.client.post('/contracts', smallContract())],
    ['get aging', () => test.client.get('/aging')],
  ] as const) {
    const t = Date.now();
    const reply = await (call as () => Promise<any>)();
    console.log(what, Date.now() - t, 'ms', reply.status, JSON.stringify(reply.body).slice(0, 300));
  }
  readModels.release();
  await test.close();
}, 120_000);
