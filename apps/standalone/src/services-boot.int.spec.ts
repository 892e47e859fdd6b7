import { ContractsModule } from '@billing/contracts/feature';
import { InvoicingModule } from '@billing/invoicing/feature';
import { MilestonesModule } from '@billing/milestones/feature';
import { ReceivablesModule } from '@billing/receivables/feature';
import { startTestApp } from './testing/test-app';

// Each service app hosts one feature module; each must boot and serve on its own.
describe.each([
  ['contracts', ContractsModule, '/contracts', '/invoices'],
  [
    'milestones',
    MilestonesModule,
    '/contracts/00000000-0000-4000-8000-000000000000/schedule',
    '/contracts',
  ],
  ['invoicing', InvoicingModule, '/invoices', '/aging'],
  ['receivables', ReceivablesModule, '/aging', '/invoices'],
])('the %s service alone', (_, feature, ownRoute, otherRoute) => {
  it('boots, serves its own routes and none of the others', async () => {
    const app = await startTestApp({}, [feature]);
    try {
      const own = await app.client.get(ownRoute);
      expect([200, 404]).toContain(own.status);
      expect(String(own.body?.detail)).not.toMatch(/^Cannot GET/);
      const other = await app.client.get(otherRoute);
      expect(other.status).toBe(404);
      expect(other.body).toMatchObject({
        type: 'urn:billing:http-404',
        title: 'Not Found',
        detail: expect.stringMatching(/^Cannot GET/),
      });
      expect((await app.client.get('/docs')).status).toBe(200);
    } finally {
      await app.close();
    }
  });
});
