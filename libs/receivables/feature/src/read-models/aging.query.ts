import { page, type ListQuery } from '@billing/shared/nest';
import type { TenantReadModels } from '@billing/shared/read-models';
import type { Response } from 'express';
import {
  ACCOUNTS,
  AGED_SPANS,
  AGING_CREDIT,
  AGING_DUES,
  AGING_RETAINAGE,
  ITEMS,
  RETAINAGE,
  type AccountView,
  type AgedSpanView,
  type AgingCreditView,
  type AgingDuesView,
  type AgingRetainageView,
  type ReceivableItem,
  type RetainageView,
} from './accounts.projection';
import {
  agingByCustomer,
  totalsAsOf,
  totalsByCurrency,
  type CurrencyTotals,
  type CustomerAging,
  type OpenDue,
} from './account-reports';
import { valueOn, type Ladder } from './aging-history';

export interface AgingFilter {
  currency?: string;
  customerId?: string;
}

export interface AgingAnswer {
  asOf: string;
  customers: CustomerAging[];
  currencies: CurrencyTotals[];
}

const only = (filter: AgingFilter) =>
  Object.fromEntries(Object.entries(filter).filter(([, value]) => value !== undefined));

/**
 * AR aging as of a date (DOMAIN.md "Aging", ADR 23): one page of the customers the filter selects
 * with something open or retainage held on that date, by name, and the totals of all of them per
 * currency; the total count in `X-Total-Count`. Any date reads alike: the spans of the page's
 * customers (their count from the index alone), their invoices and retainage, and the ladders of
 * the due dates open on it.
 */
export async function agingFor(
  tenant: TenantReadModels,
  date: string,
  filter: AgingFilter,
  paging: ListQuery,
  response: Response,
): Promise<AgingAnswer> {
  if (filter.customerId) {
    // One customer: only what was open on the date can age, so items closed before it and released
    // retainage are never read.
    const items = await tenant.find<ReceivableItem>(ITEMS, {
      closedOn: { $gt: date },
      ...only(filter),
    });
    const retainage = await tenant.find<RetainageView>(RETAINAGE, {
      heldUntil: { $gt: date },
      ...only(filter),
    });
    const accounts = await tenant.find<AccountView>(ACCOUNTS, only(filter));
    const customers = agingByCustomer(items, retainage, creditsOf(accounts), date);
    response.setHeader('X-Total-Count', String(customers.length));
    const credit = accounts.map(({ currency, credit }) => ({
      currency,
      amount: valueOn(credit, date),
    }));
    return { asOf: date, customers, currencies: totalsByCurrency(customers, credit) };
  }
  const currency = only({ currency: filter.currency });
  const spans = await page<AgedSpanView>(
    tenant,
    response,
    AGED_SPANS,
    { from: { $lte: date }, to: { $gt: date }, ...currency },
    { customerName: 1 },
    paging,
  );
  // Through the index on (customerId, closedOn): the page's customers' items still open on the
  // date, none other.
  const customerId = { $in: spans.map((span) => span.customerId) };
  const items = await tenant.find<ReceivableItem>(ITEMS, { customerId, closedOn: { $gt: date } });
  const retainage = (await tenant.find<RetainageView>(RETAINAGE, { customerId })).filter(
    (held) => held.heldUntil > date,
  );
  const accounts = await tenant.find<AccountView>(ACCOUNTS, { customerId });
  const held = await tenant.find<AgingRetainageView>(AGING_RETAINAGE, currency);
  const credit = await tenant.find<AgingCreditView>(AGING_CREDIT, currency);
  return {
    asOf: date,
    customers: agingByCustomer(items, retainage, creditsOf(accounts), date),
    currencies: totalsAsOf(await openDues(tenant, date, filter), held, credit, date),
  };
}

/** Each account's unapplied credit by business date, by customer id. */
const creditsOf = (accounts: readonly AccountView[]) =>
  new Map<string, Ladder>(accounts.map(({ customerId, credit }) => [customerId, credit]));

/**
 * What is open as of the date, by currency and due date: from the ladders of the due dates open on
 * it (one customer's: from its items).
 */
export async function openDues(
  tenant: TenantReadModels,
  date: string,
  filter: AgingFilter,
): Promise<OpenDue[]> {
  if (filter.customerId) {
    const items = await tenant.find<ReceivableItem>(ITEMS, {
      closedOn: { $gt: date },
      ...only(filter),
    });
    return agingByCustomer(items, [], new Map(), date).flatMap((customer) =>
      customer.invoices.map(({ dueDate, open }) => ({
        currency: customer.currency,
        dueDate,
        open,
      })),
    );
  }
  const dues = await tenant.find<AgingDuesView>(AGING_DUES, {
    until: { $gt: date },
    from: { $lte: date },
    ...only({ currency: filter.currency }),
  });
  return dues
    .map(({ currency, dueDate, open }) => ({ currency, dueDate, open: valueOn(open, date) }))
    .filter(({ open }) => open > 0);
}
