import { uuidFrom } from '@billing/shared/event-store';
import {
  addDays,
  BASE_YEAR,
  contractBody,
  costsOf,
  lastDayOf,
  paymentOf,
  type ContractPlan,
  type CustomerPlan,
} from '../flows';
import type { HttpContext, SynthApp } from './synth-app';

/** POST /contracts then POST /contracts/:id/activate, as ContractsHttp turns them into commands. */
async function openContract(
  app: SynthApp,
  customer: CustomerPlan,
  contract: ContractPlan,
  title: string,
): Promise<string> {
  const body = contractBody(customer, contract, title);
  const activatedOn = addDays(lastDayOf(BASE_YEAR, contract.startMonth - 1), 1);
  const ctx: HttpContext = app.context();
  const contractId = ctx.newId('contract');
  const {
    customer: party,
    currency,
    originalSum,
    basis,
    retainage,
    taxRate,
    paymentTermsDays,
  } = body;
  const terms = {
    customer: party,
    title,
    currency,
    originalSum,
    basis: basis as 'progress',
    retainage,
    taxRate,
    paymentTermsDays,
    poNumber: '',
    startDate: activatedOn,
  };
  const lines = body.lines.map(({ lineId, item, description, scheduledValue }) => ({
    lineId,
    item,
    description,
    scheduledValue,
  }));
  await app.contract(
    contractId,
    { type: 'CreateContract', contractId, terms, lines, createdOn: addDays(activatedOn, -7) },
    ctx,
  );
  await app.contract(contractId, { type: 'ActivateContract', activatedOn }, app.context());
  return contractId;
}

/**
 * One period: report, certify, issue the draft the reaction wrote, report its job cost, and pay as
 * the customer pays (the same requests as flows.ts).
 */
async function billPeriod(
  app: SynthApp,
  customer: CustomerPlan,
  contract: ContractPlan,
  contractId: string,
  period: number,
): Promise<void> {
  const periodEnd = lastDayOf(BASE_YEAR, contract.startMonth + period);
  const percentComplete = Math.round(((period + 1) * 9000) / contract.periods);
  const lines = Array.from({ length: contract.lines }, (_, index) => ({
    lineId: `L${index + 1}`,
    percentComplete,
    storedMaterials: 0,
  }));
  await app.schedule(
    contractId,
    { type: 'ReportProgress', periodEnd, reportedOn: periodEnd, lines },
    app.context(),
  );
  await app.schedule(
    contractId,
    { type: 'CertifyProgress', periodEnd, certifiedOn: addDays(periodEnd, 2) },
    app.context(),
  );
  const invoiceId = uuidFrom(`${contractId}/progress/${periodEnd}`);
  const issueDate = addDays(periodEnd, 3);
  const invoice = await app.issue(contractId, invoiceId, issueDate, app.context());
  await app.contract(
    contractId,
    { type: 'ReportCosts', ...costsOf(contract, period) },
    app.context(),
  );
  const payment = paymentOf(customer, contract, period, {
    invoiceId,
    number: invoice.number!,
    total: invoice.total,
    issueDate,
  });
  if (!payment) return;
  const ctx = app.context();
  const { amount, receivedOn, method, reference, invoiceIds } = payment;
  await app.account(
    customer.customerId,
    {
      type: 'RecordPayment',
      paymentId: ctx.newId('payment'),
      amount,
      currency: 'USD',
      receivedOn,
      method,
      reference,
      invoiceIds,
    },
    ctx,
  );
}

/** A customer's whole history, as flows.ts runCustomer sends it over HTTP. */
export async function synthesizeCustomer(app: SynthApp, customer: CustomerPlan): Promise<void> {
  for (const [index, contract] of customer.contracts.entries()) {
    const contractId = await openContract(
      app,
      customer,
      contract,
      `${customer.name} job ${index + 1}`,
    );
    for (let period = 0; period < contract.periods; period++)
      await billPeriod(app, customer, contract, contractId, period);
  }
}
