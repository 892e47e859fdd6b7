import type { DocumentedClient } from './openapi-document';

/**
 * Ids known to exist in one tenant: two contracts (progress, milestones), a period, an invoice, a
 * customer and a payment.
 */
export interface TenantIds {
  contractId: string;
  milestoneContractId: string;
  lineId: string;
  periodEnd: string;
  invoiceId: string;
  customerId: string;
  paymentId: string;
}

type Headers = Record<string, string>;

/**
 * Makes one of everything in the tenant `headers` name, from the document's own request examples:
 * a progress contract certified, billed, issued and paid, and an activated milestone contract.
 */
export async function seedTenant(api: DocumentedClient, headers: Headers): Promise<TenantIds> {
  const post = (
    template: string,
    params: Record<string, string> = {},
    body = api.example(template),
  ) => api.expect(201, 'post', template, { params, body, headers });
  const run = (template: string, params: Record<string, string>) =>
    api.expect(200, 'post', template, { params, body: api.example(template), headers });
  const contract = await post('/contracts', {}, api.example('/contracts', 'progress'));
  const A = { id: contract.contractId, contractId: contract.contractId };
  await run('/contracts/{id}/activate', A);
  await api.poll(
    '/contracts/{contractId}/schedule',
    { params: A, headers },
    () => true,
    'the schedule',
  );
  const report = api.example('/contracts/{contractId}/progress-reports');
  await post('/contracts/{contractId}/progress-reports', A, report);
  const periodEnd = String(report.periodEnd);
  await run('/contracts/{contractId}/progress-reports/{periodEnd}/certify', { ...A, periodEnd });
  const drafts = { query: { contractId: A.id, status: 'draft' }, headers };
  const [draft] = await api.poll<any[]>(
    '/invoices',
    drafts,
    (list) => list.length === 1,
    'the pay application',
  );
  await run('/invoices/{id}/issue', { id: draft.invoiceId });
  const customerId = String(
    contract.customer?.id ??
      (await api.expect(200, 'get', '/contracts/{id}', { params: A, headers })).customer.id,
  );
  await api.poll(
    '/accounts/{customerId}',
    { params: { customerId }, headers },
    (account: any) => account.openItems.length > 0,
    'the open invoice',
  );
  const payment = await post(
    '/accounts/{customerId}/payments',
    { customerId },
    api.example('/accounts/{customerId}/payments', undefined, { invoiceId: draft.invoiceId }),
  );
  const parking = await post('/contracts', {}, api.example('/contracts', 'milestone'));
  await run('/contracts/{id}/activate', { id: parking.contractId });
  await api.poll(
    '/contracts/{contractId}/schedule',
    { params: { contractId: parking.contractId }, headers },
    () => true,
    'the milestone schedule',
  );
  return {
    contractId: A.id,
    milestoneContractId: parking.contractId,
    lineId: parking.lines[0].lineId,
    periodEnd,
    invoiceId: draft.invoiceId,
    customerId,
    paymentId: payment.paymentId,
  };
}

/**
 * A well-formed request of the operation on the tenant's ids: the documented example body, the
 * documented examples of required query parameters, the audit views as of now.
 */
export function requestFor(api: DocumentedClient, method: string, path: string, ids: TenantIds) {
  const milestones = path.includes('/milestones/');
  const value: Record<string, string> = {
    id: path.startsWith('/invoices') ? ids.invoiceId : ids.contractId,
    contractId: milestones ? ids.milestoneContractId : ids.contractId,
    lineId: ids.lineId,
    periodEnd: ids.periodEnd,
    invoiceId: ids.invoiceId,
    customerId: ids.customerId,
    paymentId: ids.paymentId,
    // Documents of things the seed did not make (a credit note, a reminder): a 404 is an answer
    // like any other here.
    creditNoteId: '9a0e5d2c-1b3f-4c6d-8e7f-0a1b2c3d4e5f',
    level: '1',
    streamId: `contract-${ids.contractId}`,
    // Not a correlation id of the seed's: a 404, as for the documents above.
    correlationId: ids.contractId,
  };
  const params = Object.fromEntries(
    [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => [name, value[name]]),
  );
  const query = Object.fromEntries(
    (api.operation(method, path).parameters ?? [])
      .filter(
        (parameter) =>
          parameter.in === 'query' &&
          ((parameter as { required?: boolean }).required || parameter.name === 'at'),
      )
      .map((parameter) => [
        parameter.name,
        parameter.name === 'at'
          ? new Date().toISOString()
          : String(parameter.example ?? parameter.schema?.example),
      ]),
  );
  const body =
    method === 'post'
      ? api.example(path, undefined, { invoiceId: ids.invoiceId, customerId: ids.customerId })
      : undefined;
  return { params, query, body };
}
