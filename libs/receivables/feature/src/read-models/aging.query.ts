import { page, type PageQuery } from '@billing/shared/nest';
import type { TenantReadModels } from '@billing/shared/read-models';
import type { Response } from 'express';
import { ACCOUNTS, AGING_TOTALS, ITEMS, RETAINAGE, type AccountView, type AgingTotalsView, type ReceivableItem, type RetainageView } from './accounts.projection';
import { agingByCustomer, currentTotals, totalsByCurrency, type CurrencyTotals, type CustomerAging } from './account-reports';

export interface AgingFilter {
  currency?: string;
  customerId?: string;
}

export interface AgingAnswer {
  asOf: string;
  customers: CustomerAging[];
  currencies: CurrencyTotals[];
}

const only = (filter: AgingFilter) => Object.fromEntries(Object.entries(filter).filter(([, value]) => value !== undefined));

/**
 * AR aging as of a date (DOMAIN.md "Aging"): one page of the customers the filter selects with
 * something open or retainage held, by name, and the totals of all of them per currency; the total
 * count in `X-Total-Count`.
 */
export async function agingFor(tenant: TenantReadModels, tenantId: string, date: string, filter: AgingFilter, paging: PageQuery, response: Response): Promise<AgingAnswer> {
  const totals = await tenant.get<AgingTotalsView>(AGING_TOTALS, tenantId);
  if (totals && date >= totals.lastDate && !filter.customerId) {
    // Nothing happened after the date: the totals follow from the kept dues, and only the page's customers are read.
    const accounts = await page<AccountView>(tenant, response, ACCOUNTS, { aged: true, ...only(filter) }, { customerName: 1 }, paging);
    // By customer only, through the customer indexes (with the date in the query SQLite would pick the date index and read
    // every item open on it); a page's customers have a few dozen items, and those closed by the date are dropped here.
    const customerId = { $in: accounts.map((account) => account.customerId) };
    const items = (await tenant.find<ReceivableItem>(ITEMS, { customerId })).filter((item) => item.closedOn > date);
    const retainage = (await tenant.find<RetainageView>(RETAINAGE, { customerId })).filter((held) => held.heldUntil > date);
    const currencies = currentTotals(totals, date).filter((sums) => !filter.currency || sums.currency === filter.currency);
    return { asOf: date, customers: agingByCustomer(items, retainage, date), currencies };
  }
  // An earlier date (or one customer): only what was open on it can age, so items closed before it and released retainage are never read.
  const items = await tenant.find<ReceivableItem>(ITEMS, { closedOn: { $gt: date }, ...only(filter) });
  const retainage = await tenant.find<RetainageView>(RETAINAGE, { heldUntil: { $gt: date }, ...only(filter) });
  const customers = agingByCustomer(items, retainage, date);
  const { limit = 100, offset = 0 } = paging;
  response.setHeader('X-Total-Count', String(customers.length));
  return { asOf: date, customers: customers.slice(offset, offset + limit), currencies: totalsByCurrency(customers) };
}
