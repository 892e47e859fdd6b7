import type { DocumentedClient } from './openapi-document';

type Ids = Record<string, string>;

/**
 * What the flow learned from earlier answers: ids only (every body comes from the document's
 * examples).
 */
interface Flow {
  api: DocumentedClient;
  A: Ids;
  B: Ids;
  customer: Ids;
  invoice: Ids;
  milestoneInvoice: Ids;
  creditNote: Ids;
}

/**
 * The billing flow in scenario order, driven only by the OpenAPI document's request examples and
 * the ids earlier answers gave; every answer, success or provoked error, is checked against the
 * document by the client. Two contracts for one customer: a building billed on progress (A) and a
 * parking structure billed on milestones (B).
 */
export async function runDocumentedFlow(api: DocumentedClient): Promise<void> {
  await api.expect(200, 'get', '/health/live');
  await api.expect(200, 'get', '/health/ready');
  const flow: Flow = {
    api,
    A: {},
    B: {},
    customer: {},
    invoice: {},
    milestoneInvoice: {},
    creditNote: {},
  };
  for (const step of [
    createContract,
    billProgress,
    collect,
    billMilestone,
    remind,
    finish,
    idempotency,
    provokeErrors,
    readDocuments,
    queryEverything,
    financeFigures,
  ])
    await step(flow);
}

/** A contract billed on progress: drafted, rebalanced, activated, changed. */
async function createContract(flow: Flow): Promise<void> {
  const { api } = flow;
  const contract = await api.expect(201, 'post', '/contracts', {
    body: api.example('/contracts', 'progress'),
  });
  const A = (flow.A = { id: contract.contractId, contractId: contract.contractId });
  await api.expect(200, 'post', '/contracts/{id}/schedule', {
    params: A,
    body: api.example('/contracts/{id}/schedule'),
  });
  await api.expect(200, 'post', '/contracts/{id}/activate', {
    params: A,
    body: api.example('/contracts/{id}/activate'),
  });
  const summary = await api.expect(200, 'get', '/contracts/{id}', { params: A });
  flow.customer = { customerId: summary.customer.id };
  await api.poll(
    '/contracts',
    { query: { status: 'active', customerId: summary.customer.id } },
    (list: any[]) => list.length === 1,
    'the active contract',
  );
  await api.poll(
    '/contracts/{contractId}/schedule',
    { params: A },
    () => true,
    'the schedule of values',
  );
  await api.poll(
    '/contracts/{contractId}/billing',
    { params: A },
    () => true,
    'the billing ledger',
  );
  await api.expect(201, 'post', '/contracts/{id}/change-orders', {
    params: A,
    body: api.example('/contracts/{id}/change-orders'),
  });
  await api.poll(
    '/contracts/{contractId}/schedule',
    { params: A },
    (schedule: any) => schedule.lines.length === 4,
    'the change order on the schedule',
  );
  await api.poll(
    '/contracts/{contractId}/billing',
    { params: A },
    (ledger: any) => ledger.lines.length === 4,
    'the change order on the ledger',
  );
}

/**
 * Progress reported, sent back, reported again and certified; the pay application issued, voided,
 * drafted again, issued and credited.
 */
async function billProgress(flow: Flow): Promise<void> {
  const { api, A } = flow;
  const report = api.example('/contracts/{contractId}/progress-reports');
  const period = { ...A, periodEnd: String(report.periodEnd) };
  await api.expect(201, 'post', '/contracts/{contractId}/progress-reports', {
    params: A,
    body: report,
  });
  await api.expect(200, 'post', '/contracts/{contractId}/progress-reports/{periodEnd}/reject', {
    params: period,
    body: api.example('/contracts/{contractId}/progress-reports/{periodEnd}/reject'),
  });
  await api.expect(201, 'post', '/contracts/{contractId}/progress-reports', {
    params: A,
    body: report,
  });
  const certify = '/contracts/{contractId}/progress-reports/{periodEnd}/certify';
  const certified = await api.expect(200, 'post', certify, {
    params: period,
    body: api.example(certify),
  });
  expect(certified.next.payApplication).toBe(`/invoices?contractId=${A.id}&status=draft`);
  const drafts = { query: { contractId: A.id, status: 'draft' } };
  const [first] = await api.poll<any[]>(
    '/invoices',
    drafts,
    (list) => list.length === 1,
    'the pay application',
  );
  await api.expect(200, 'get', '/invoices/{id}', { params: { id: first.invoiceId } });
  await api.expect(200, 'post', '/invoices/{id}/issue', {
    params: { id: first.invoiceId },
    body: api.example('/invoices/{id}/issue'),
  });
  expect(
    await api.expect(200, 'post', '/invoices/{id}/void', {
      params: { id: first.invoiceId },
      body: api.example('/invoices/{id}/void'),
    }),
  ).toMatchObject({ status: 'void' });
  const [redraft] = await api.poll<any[]>(
    '/invoices',
    drafts,
    (list) => list.length === 1,
    'the pay application drafted again',
  );
  const invoice = (flow.invoice = { id: redraft.invoiceId, invoiceId: redraft.invoiceId });
  // Issued as reviewed: the example's total is this draft's.
  await api.expect(200, 'post', '/invoices/{id}/issue', {
    params: invoice,
    body: api.example('/invoices/{id}/issue', 'reviewed'),
  });
  const note = await api.expect(201, 'post', '/invoices/{id}/credit-notes', {
    params: invoice,
    body: api.example('/invoices/{id}/credit-notes'),
  });
  flow.creditNote = { ...invoice, creditNoteId: note.creditNoteId };
}

/**
 * A check that bounces and is paid again: what it leaves is credit. Retainage released early, by
 * agreement.
 */
async function collect({ api, A, customer, invoice }: Flow): Promise<void> {
  const credited = (account: any) =>
    account.invoices.some((item: any) => item.invoiceId === invoice.id && item.credited > 0);
  await api.poll(
    '/accounts/{customerId}',
    { params: customer },
    credited,
    'the credited invoice on the account',
  );
  const payments = '/accounts/{customerId}/payments';
  const bounced = await api.expect(201, 'post', payments, {
    params: customer,
    body: api.example(payments, undefined, invoice),
  });
  const reverse = '/accounts/{customerId}/payments/{paymentId}/reverse';
  await api.expect(200, 'post', reverse, {
    params: { ...customer, paymentId: bounced.paymentId },
    body: api.example(reverse),
  });
  expect(
    (
      await api.expect(201, 'post', payments, {
        params: customer,
        body: api.example(payments, undefined, invoice),
      })
    ).unapplied,
  ).toBeGreaterThan(0);
  await api.expect(201, 'post', '/contracts/{contractId}/retainage-release', {
    params: A,
    body: api.example('/contracts/{contractId}/retainage-release'),
  });
}

/**
 * A contract billed on milestones: a milestone achieved, sent back, achieved again, certified,
 * billed and issued.
 */
async function billMilestone(flow: Flow): Promise<void> {
  const { api } = flow;
  const parking = await api.expect(201, 'post', '/contracts', {
    body: api.example('/contracts', 'milestone'),
  });
  const B = (flow.B = {
    id: parking.contractId,
    contractId: parking.contractId,
    lineId: parking.lines[0].lineId,
  });
  await api.expect(200, 'post', '/contracts/{id}/activate', {
    params: B,
    body: api.example('/contracts/{id}/activate'),
  });
  await api.poll(
    '/contracts/{contractId}/schedule',
    { params: B },
    () => true,
    'the milestone schedule',
  );
  for (const action of ['achieve', 'reject', 'achieve again', 'certify']) {
    const template = `/contracts/{contractId}/milestones/{lineId}/${action.split(' ')[0]}`;
    const body = api.example(template) as { date: string };
    // Achieved again on the day it was sent back (not before: 422).
    const again = action === 'achieve again' && {
      date: (api.example(template.replace(/achieve$/, 'reject')) as { date: string }).date,
    };
    await api.expect(200, 'post', template, { params: B, body: { ...body, ...again } });
  }
  const [billed] = await api.poll<any[]>(
    '/invoices',
    { query: { contractId: B.id, status: 'draft' } },
    (list) => list.length === 1,
    'the milestone pay application',
  );
  flow.milestoneInvoice = { id: billed.invoiceId, invoiceId: billed.invoiceId };
  await api.expect(200, 'post', '/invoices/{id}/issue', {
    params: flow.milestoneInvoice,
    body: api.example('/invoices/{id}/issue'),
  });
}

/** The milestone invoice: credit applied, reminded once overdue, partly written off. */
async function remind({ api, customer, milestoneInvoice }: Flow): Promise<void> {
  const open = (account: any) =>
    account.openItems.some((item: any) => item.invoiceId === milestoneInvoice.id);
  await api.poll(
    '/accounts/{customerId}',
    { params: customer },
    open,
    'the milestone invoice on the account',
  );
  const apply = '/accounts/{customerId}/credit-applications';
  await api.expect(201, 'post', apply, {
    params: customer,
    body: api.example(apply, undefined, milestoneInvoice),
  });
  const run = await api.expect(201, 'post', '/reminders/run', {
    body: api.example('/reminders/run'),
  });
  expect(run.sent.map((sent: any) => sent.invoiceId)).toEqual([milestoneInvoice.id]);
  const writeOff = '/accounts/{customerId}/invoices/{invoiceId}/write-off';
  await api.expect(200, 'post', writeOff, {
    params: { ...customer, invoiceId: milestoneInvoice.id },
    body: api.example(writeOff),
  });
}

/**
 * Suspended, resumed, completed; the release B can never have is refused; A, with work unbilled,
 * cannot close (422).
 */
async function finish({ api, A, B }: Flow): Promise<void> {
  await api.expect(200, 'post', '/contracts/{id}/suspend', {
    params: A,
    body: api.example('/contracts/{id}/suspend'),
  });
  await api.expect(200, 'post', '/contracts/{id}/resume', {
    params: A,
    body: api.example('/contracts/{id}/resume'),
  });
  await api.expect(200, 'post', '/contracts/{id}/complete', {
    params: A,
    body: api.example('/contracts/{id}/complete'),
  });
  await api.expect(200, 'post', '/contracts/{id}/complete', {
    params: B,
    body: api.example('/contracts/{id}/complete'),
  });
  const refusals = await api.poll<any[]>(
    '/refusals',
    { query: { contractId: B.id } },
    (list) => list.length > 0,
    'the refused release',
  );
  expect(refusals[0].reason).toMatch(/no retainage is held/);
  await api.expect(422, 'post', '/contracts/{id}/close', {
    params: A,
    body: api.example('/contracts/{id}/close'),
  });
}

/**
 * The same request with the same Idempotency-Key replays; another body with it is refused (422).
 * The draft is cancelled.
 */
async function idempotency({ api }: Flow): Promise<void> {
  const headers = { 'idempotency-key': 'openapi-spec-draft' };
  const draft = await api.expect(201, 'post', '/contracts', {
    body: api.example('/contracts', 'progress'),
    headers,
  });
  const replay = await api.call('post', '/contracts', {
    body: api.example('/contracts', 'progress'),
    headers,
  });
  expect([replay.status, replay.body, replay.headers['idempotent-replayed']]).toEqual([
    201,
    draft,
    'true',
  ]);
  await api.expect(422, 'post', '/contracts', {
    body: api.example('/contracts', 'milestone'),
    headers,
  });
  await api.expect(200, 'post', '/contracts/{id}/cancel', {
    params: { id: draft.contractId },
    body: api.example('/contracts/{id}/cancel'),
  });
  // Its history as documented: the events of a keyed request hold its fingerprint, which no entry
  // shows.
  await api.expect(200, 'get', '/contracts/{id}/history', { params: { id: draft.contractId } });
}

/**
 * Not allowed now (409), unknown id (404), malformed id and invalid fields (400), not JSON (415),
 * too large (413).
 */
async function provokeErrors({ api, A }: Flow): Promise<void> {
  await api.expect(409, 'post', '/contracts/{id}/activate', {
    params: A,
    body: api.example('/contracts/{id}/activate'),
  });
  await api.expect(404, 'get', '/contracts/{id}', {
    params: { id: '3f0c1e9a-5b7d-4c2e-8a61-0d9b2f4e7a13' },
  });
  await api.expect(400, 'get', '/contracts/{id}', { params: { id: 'not-a-uuid' } });
  const invalid = await api.expect(400, 'post', '/contracts', {
    body: { ...api.example('/contracts', 'progress'), currency: 'dollars', lines: [] },
  });
  expect(invalid.errors.map((error: any) => error.field)).toEqual(
    expect.arrayContaining(['currency', 'lines']),
  );
  await api.expect(415, 'post', '/contracts', {
    raw: 'title=x',
    headers: { 'content-type': 'text/plain' },
  });
  await api.expect(413, 'post', '/contracts', {
    raw: JSON.stringify({ title: 'x'.repeat(300_000) }),
    headers: { 'content-type': 'application/json' },
  });
}

/**
 * Every query on what the flow made (the audit views as of now, the reports on the documented
 * dates).
 */
async function queryEverything({ api, A, B, customer, invoice }: Flow): Promise<void> {
  const now = { at: new Date().toISOString() };
  for (const [template, params, query] of [
    ['/contracts/{id}', A],
    ['/contracts/{id}/as-of', A, now],
    ['/contracts/{id}/history', A],
    ['/contracts/{contractId}/schedule', A],
    ['/contracts/{contractId}/schedule', B],
    ['/contracts/{contractId}/billing', A],
    ['/contracts/{contractId}/billing', B],
    ['/invoices', {}, { customerId: customer.customerId }],
    ['/invoices/{id}', invoice],
    ['/invoices/{id}/as-of', invoice, now],
    ['/accounts', {}],
    ['/accounts/{customerId}', customer],
    ['/accounts/{customerId}/as-of', customer, now],
    ['/refusals', {}],
  ] as [string, Ids, Ids?][])
    await api.expect(200, 'get', template, { params, query });
  const period = {
    from: api.queryExample('/accounts/{customerId}/statement', 'from'),
    to: api.queryExample('/accounts/{customerId}/statement', 'to'),
  };
  expect(
    (
      await api.expect(200, 'get', '/accounts/{customerId}/statement', {
        params: customer,
        query: period,
      })
    ).lines.length,
  ).toBeGreaterThan(3);
  const asOf = { asOf: api.queryExample('/aging', 'asOf') };
  expect((await api.expect(200, 'get', '/aging', { query: asOf })).customers).toHaveLength(1);
  await api.expect(200, 'get', '/accounts/{customerId}/aging', { params: customer, query: asOf });
  const [created] = await api.expect(200, 'get', '/audit/streams/{streamId}/events', {
    params: { streamId: `contract-${A.id}` },
    query: { limit: '1' },
  });
  expect(
    (
      await api.expect(200, 'get', '/audit/flows/{correlationId}', {
        params: { correlationId: created.correlationId },
      })
    )[0].eventId,
  ).toBe(created.eventId);
  await api.expect(200, 'get', '/audit/events', { query: { from: created.recordedAt } });
  expect(await api.expect(200, 'get', '/audit/verify')).toMatchObject({
    intact: true,
    unhashed: 0,
  });
}

/**
 * The documents of what the flow made: the pay application and its credit note as PDF, the
 * statement, the reminder sent.
 */
async function readDocuments({
  api,
  customer,
  invoice,
  creditNote,
  milestoneInvoice,
}: Flow): Promise<void> {
  const period = {
    from: api.queryExample('/accounts/{customerId}/statement/pdf', 'from'),
    to: api.queryExample('/accounts/{customerId}/statement/pdf', 'to'),
  };
  const account = await api.expect(200, 'get', '/accounts/{customerId}', { params: customer });
  const [sent] = account.invoices.find(
    (item: any) => item.invoiceId === milestoneInvoice.id,
  ).reminders;
  const reminder = { ...customer, invoiceId: milestoneInvoice.id, level: String(sent.level) };
  for (const [template, params, query, type] of [
    ['/invoices/{id}/pdf', invoice, undefined, 'application/pdf'],
    ['/invoices/{id}/credit-notes/{creditNoteId}/pdf', creditNote, undefined, 'application/pdf'],
    ['/accounts/{customerId}/statement/pdf', customer, period, 'application/pdf'],
    [
      '/accounts/{customerId}/invoices/{invoiceId}/reminders/{level}/text',
      reminder,
      undefined,
      'text/plain; charset=utf-8',
    ],
    [
      '/accounts/{customerId}/invoices/{invoiceId}/reminders/{level}/html',
      reminder,
      undefined,
      'text/html; charset=utf-8',
    ],
  ] as [string, Ids, Ids | undefined, string][]) {
    const answer = await api.call('get', template, { params, query });
    expect([answer.status, answer.headers['content-type']]).toEqual([200, type]);
  }
}

/**
 * Finance's figures (ADR 20): a period's job cost, then every finance query and CSV export, each as
 * JSON and as CSV (`Accept` and `?format=`).
 */
async function financeFigures({ api, A, customer }: Flow): Promise<void> {
  await api.expect(201, 'post', '/contracts/{id}/costs', {
    params: A,
    body: api.example('/contracts/{id}/costs'),
  });
  const periodEnd = { periodEnd: api.queryExample('/wip', 'periodEnd') };
  await api.poll(
    '/wip',
    { query: periodEnd },
    (schedule: any) => schedule.contracts.length === 1,
    'the WIP line of the reported period',
  );
  const example = (template: string, ...names: string[]) =>
    Object.fromEntries(names.map((name) => [name, api.queryExample(template, name)]));
  for (const [template, params, query] of [
    ['/contract-ledgers', {}, { customerId: customer.customerId }],
    ['/contract-ledgers/{contractId}', A],
    ['/wip', {}, periodEnd],
    ['/contracts/{id}/wip', A],
    ['/cash-forecast', {}, example('/cash-forecast', 'asOf')],
    ['/dso', {}, example('/dso', 'from', 'to')],
    ['/billing-timeliness', {}, example('/billing-timeliness', 'from', 'to')],
    ['/aging', {}, example('/aging', 'asOf')],
    ['/accounts/{customerId}/aging', customer, example('/accounts/{customerId}/aging', 'asOf')],
    [
      '/accounts/{customerId}/statement',
      customer,
      example('/accounts/{customerId}/statement', 'from', 'to'),
    ],
  ] as [string, Ids, Ids?][]) {
    await api.expect(200, 'get', template, { params, query });
    const accepted = await api.call('get', template, {
      params,
      query,
      headers: { accept: 'text/csv' },
    });
    const asked = await api.call('get', template, { params, query: { ...query, format: 'csv' } });
    expect([accepted.status, accepted.headers['content-type'], asked.body]).toEqual([
      200,
      'text/csv; charset=utf-8; header=present',
      accepted.body,
    ]);
  }
}
