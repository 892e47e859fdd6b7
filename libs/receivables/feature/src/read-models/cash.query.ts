import { dsoHundredths, isoWeekOf, periodDays } from '@billing/receivables/domain';
import type { TenantReadModels } from '@billing/shared/read-models';
import { ACCOUNTS, AGING_TOTALS, ENTRIES, ITEMS, type AccountView, type AgingTotalsView, type EntryView, type ReceivableItem } from './accounts.projection';
import { agingByCustomer } from './account-reports';
import type { AgingFilter } from './aging.query';

/** Open amounts due in one ISO week, in one currency, as of a date (ADR 20). */
export interface CashWeek {
  week: string;
  weekStart: string;
  weekEnd: string;
  currency: string;
  expected: number;
  /** The part already past due on the date (due before it). */
  overdue: number;
}

const only = (filter: AgingFilter) => Object.fromEntries(Object.entries(filter).filter(([, value]) => value !== undefined));

/** What is open as of the date, by currency and due date: the kept dues when nothing changed after it (and no customer is asked), else from the items. */
export async function openDues(tenant: TenantReadModels, tenantId: string, date: string, filter: AgingFilter): Promise<{ currency: string; dueDate: string; open: number }[]> {
  const totals = await tenant.get<AgingTotalsView>(AGING_TOTALS, tenantId);
  if (totals && date >= totals.lastDate && !filter.customerId)
    return Object.entries(totals.currencies)
      .filter(([currency]) => !filter.currency || currency === filter.currency)
      .flatMap(([currency, { dues }]) => Object.entries(dues).map(([dueDate, open]) => ({ currency, dueDate, open })));
  const items = await tenant.find<ReceivableItem>(ITEMS, { closedOn: { $gt: date }, ...only(filter) });
  return agingByCustomer(items, [], date).flatMap((customer) => customer.invoices.map(({ dueDate, open }) => ({ currency: customer.currency, dueDate, open })));
}

/** Open amounts by ISO week of their due date and currency, oldest week first. */
export function cashByWeek(dues: { currency: string; dueDate: string; open: number }[], date: string): CashWeek[] {
  const weeks = new Map<string, CashWeek>();
  for (const { currency, dueDate, open } of dues) {
    const week = isoWeekOf(dueDate);
    const key = `${week.weekStart}/${currency}`;
    const row = weeks.get(key) ?? { ...week, currency, expected: 0, overdue: 0 };
    row.expected += open;
    if (dueDate < date) row.overdue += open;
    weeks.set(key, row);
  }
  return [...weeks.values()].filter((row) => row.expected !== 0).sort((a, b) => a.weekStart.localeCompare(b.weekStart) || a.currency.localeCompare(b.currency));
}

export function cashTotals(weeks: CashWeek[]): { currency: string; expected: number; overdue: number }[] {
  const totals = new Map<string, { currency: string; expected: number; overdue: number }>();
  for (const { currency, expected, overdue } of weeks) {
    const sum = totals.get(currency) ?? { currency, expected: 0, overdue: 0 };
    totals.set(currency, { currency, expected: sum.expected + expected, overdue: sum.overdue + overdue });
  }
  return [...totals.values()].sort((a, b) => a.currency.localeCompare(b.currency));
}

export interface CurrencyDso {
  currency: string;
  endingReceivables: number;
  creditSales: number;
  days: number;
  /** Absent when the period's credit sales are zero or less. */
  dso?: string;
}

/** What changes credit sales: invoices issued, less invoices voided and credit notes, by their business dates. */
const SALES_KINDS = ['invoice', 'void', 'credit-note'];

/** DSO per currency over [from, to] (ADR 20): open receivables as of `to` / credit sales of the period x its days. */
export async function dsoFor(tenant: TenantReadModels, tenantId: string, from: string, to: string, filter: AgingFilter): Promise<CurrencyDso[]> {
  const days = periodDays(from, to);
  const currencies = new Map<string, { receivables: number; sales: number }>();
  const of = (currency: string) => currencies.get(currency) ?? currencies.set(currency, { receivables: 0, sales: 0 }).get(currency)!;
  for (const { currency, open } of await openDues(tenant, tenantId, to, filter)) of(currency).receivables += open;
  const entries = await tenant.find<EntryView>(ENTRIES, {
    kind: { $in: SALES_KINDS },
    date: { $gte: from, $lte: to },
    ...(filter.customerId ? { customerId: filter.customerId } : {}),
  });
  const accounts = await tenant.find<AccountView>(ACCOUNTS, { customerId: { $in: [...new Set(entries.map((entry) => entry.customerId))] } });
  const currencyOf = new Map(accounts.map((account) => [account.customerId, account.currency]));
  for (const entry of entries) {
    const currency = currencyOf.get(entry.customerId);
    if (currency && (!filter.currency || currency === filter.currency)) of(currency).sales += entry.amount;
  }
  return [...currencies.entries()]
    .map(([currency, { receivables, sales }]) => {
      const dso = dsoHundredths(receivables, sales, days);
      return { currency, endingReceivables: receivables, creditSales: sales, days, ...(dso === undefined ? {} : { dso: decimal(dso) }) };
    })
    .sort((a, b) => a.currency.localeCompare(b.currency));
}

const decimal = (hundredths: number) => `${hundredths < 0 ? '-' : ''}${Math.trunc(Math.abs(hundredths) / 100)}.${String(Math.abs(hundredths) % 100).padStart(2, '0')}`;
