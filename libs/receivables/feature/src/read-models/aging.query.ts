import { page, type ListQuery } from '@billing/shared/nest';
import type { TenantReadModels } from '@billing/shared/read-models';
import type { Response } from 'express';
import {
  AGED_SPANS,
  AGING_DUES,
  AGING_RETAINAGE,
  ITEMS,
  RETAINAGE,
  type AgedSpanView,
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
import { valueOn } from './aging-history';

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
    const customers = agingByCustomer(items, retainage, date);
    response.setHeader('X-Total-Count', String(customers.length));
    return { asOf: date, customers, currencies: totalsByCurrency(customers) };
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
  const held = await tenant.find<AgingRetainageView>(AGING_RETAINAGE, currency);
  return {
    asOf: date,
    customers: agingByCustomer(items, retainage, date),
    currencies: totalsAsOf(await openDues(tenant, date, filter), held, date),
  };
}

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
    return agingByCustomer(items, [], date).flatMap((customer) =>
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
