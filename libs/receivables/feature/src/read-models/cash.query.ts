import { dsoHundredths, isoWeekOf, periodDays } from '@billing/receivables/domain';
import { decimal } from '@billing/shared/kernel';
import type { TenantReadModels } from '@billing/shared/read-models';
import { ACCOUNTS, ENTRIES, type AccountView, type EntryView } from './accounts.projection';
import { openDues, type AgingFilter } from './aging.query';

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

/** Open amounts by ISO week of their due date and currency, oldest week first. */
export function cashByWeek(
  dues: { currency: string; dueDate: string; open: number }[],
  date: string,
): CashWeek[] {
  const weeks = new Map<string, CashWeek>();
  for (const { currency, dueDate, open } of dues) {
    const week = isoWeekOf(dueDate);
    const key = `${week.weekStart}/${currency}`;
    const row = weeks.get(key) ?? { ...week, currency, expected: 0, overdue: 0 };
    row.expected += open;
    if (dueDate < date) row.overdue += open;
    weeks.set(key, row);
  }
  return [...weeks.values()]
    .filter((row) => row.expected !== 0)
    .sort((a, b) => a.weekStart.localeCompare(b.weekStart) || a.currency.localeCompare(b.currency));
}

export function cashTotals(
  weeks: CashWeek[],
): { currency: string; expected: number; overdue: number }[] {
  const totals = new Map<string, { currency: string; expected: number; overdue: number }>();
  for (const { currency, expected, overdue } of weeks) {
    const sum = totals.get(currency) ?? { currency, expected: 0, overdue: 0 };
    totals.set(currency, {
      currency,
      expected: sum.expected + expected,
      overdue: sum.overdue + overdue,
    });
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

/**
 * What changes credit sales: invoices issued, less invoices voided and credit notes, by their
 * business dates.
 */
const SALES_KINDS = ['invoice', 'void', 'credit-note'];

/**
 * DSO per currency over [from, to] (ADR 20): open receivables as of `to` / credit sales of the
 * period x its days.
 */
export async function dsoFor(
  tenant: TenantReadModels,
  from: string,
  to: string,
  filter: AgingFilter,
): Promise<CurrencyDso[]> {
  const days = periodDays(from, to);
  const currencies = new Map<string, { receivables: number; sales: number }>();
  const of = (currency: string) =>
    currencies.get(currency) ??
    currencies.set(currency, { receivables: 0, sales: 0 }).get(currency)!;
  for (const { currency, open } of await openDues(tenant, to, filter))
    of(currency).receivables += open;
  const entries = await tenant.find<EntryView>(ENTRIES, {
    kind: { $in: SALES_KINDS },
    date: { $gte: from, $lte: to },
    ...(filter.customerId ? { customerId: filter.customerId } : {}),
  });
  const accounts = await tenant.find<AccountView>(ACCOUNTS, {
    customerId: { $in: [...new Set(entries.map((entry) => entry.customerId))] },
  });
  const currencyOf = new Map(accounts.map((account) => [account.customerId, account.currency]));
  for (const entry of entries) {
    const currency = currencyOf.get(entry.customerId);
    if (currency && (!filter.currency || currency === filter.currency))
      of(currency).sales += entry.amount;
  }
  return [...currencies.entries()]
    .map(([currency, { receivables, sales }]) => {
      const dso = dsoHundredths(receivables, sales, days);
      return {
        currency,
        endingReceivables: receivables,
        creditSales: sales,
        days,
        ...(dso === undefined ? {} : { dso: decimal(dso) }),
      };
    })
    .sort((a, b) => a.currency.localeCompare(b.currency));
}
