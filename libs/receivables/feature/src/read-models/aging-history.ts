/**
 * The aging of a past date without reading every invoice open on it (ADR 23): figures kept as
 * ladders over business dates. A ladder's entry holds from its date until the next entry's date;
 * before the first entry the figure is zero. Entries are in date order and no two in a row hold the
 * same value, so a ladder grows with the dates its figure changed on, not with the events.
 */
export type Ladder = [date: string, value: number][];

/** `closedOn`, `until` and `to` of something still open: later than any date asked about. */
export const STILL_OPEN = '9999-12-31';

/** What aging needs of an invoice: its issue date and its dated effects on what is open. */
export interface DatedInvoice {
  issueDate: string;
  effects: { date: string; amount: number }[];
}

/** The value as of `date`: that of the last entry on or before it. */
export function valueOn(ladder: Ladder, date: string): number {
  let [low, high] = [0, ladder.length];
  while (low < high) {
    const middle = (low + high) >> 1;
    if (ladder[middle][0] <= date) low = middle + 1;
    else high = middle;
  }
  return low === 0 ? 0 : ladder[low - 1][1];
}

/**
 * `ladder` with `after - before` added on every date: how one event's change to a part of a sum
 * moves the sum.
 */
export function moved(ladder: Ladder, before: Ladder, after: Ladder): Ladder {
  const dates = [...new Set([...ladder, ...before, ...after].map(([date]) => date))].sort();
  return compact(
    dates.map((date) => [
      date,
      valueOn(ladder, date) + valueOn(after, date) - valueOn(before, date),
    ]),
  );
}

/**
 * An invoice's open amount as aging counts it (DOMAIN.md "Aging"): nothing before its issue date,
 * never below zero.
 */
export function openLadder(invoice: DatedInvoice | undefined): Ladder {
  return balanceLadder(invoice, (balance) => Math.max(0, balance));
}

/**
 * What an invoice was paid beyond its total on each date (a payment dated before a reversal
 * recorded earlier reopened it): the customer's credit on those dates, not an amount open.
 */
export function overpaidLadder(invoice: DatedInvoice | undefined): Ladder {
  return balanceLadder(invoice, (balance) => Math.max(0, -balance));
}

function balanceLadder(
  invoice: DatedInvoice | undefined,
  counted: (balance: number) => number,
): Ladder {
  if (!invoice) return [];
  const dates = [...new Set([invoice.issueDate, ...invoice.effects.map((effect) => effect.date)])]
    .filter((date) => date >= invoice.issueDate)
    .sort();
  return compact(
    dates.map((date) => [
      date,
      counted(
        invoice.effects.reduce(
          (total, effect) => (effect.date <= date ? total + effect.amount : total),
          0,
        ),
      ),
    ]),
  );
}

/**
 * Retainage held on a contract: as of a date, the figure of the last document recorded with a date
 * on or before it (retainageAsOf).
 */
export function retainageLadder(history: readonly { date: string; amount: number }[]): Ladder {
  const dates = [...new Set(history.map((entry) => entry.date))].sort();
  return compact(
    dates.map((date) => [date, history.filter((entry) => entry.date <= date).at(-1)?.amount ?? 0]),
  );
}

/**
 * The spans of dates a ladder of amounts (never below zero) is above zero: [from, to), `to`
 * STILL_OPEN if it still is.
 */
export function spansOf(ladder: Ladder): [string, string][] {
  const spans: [string, string][] = [];
  for (const [date, value] of ladder) {
    const open = spans.at(-1)?.[1] === STILL_OPEN;
    if (value > 0 && !open) spans.push([date, STILL_OPEN]);
    if (value <= 0 && open) spans.at(-1)![1] = date;
  }
  return spans;
}

/**
 * From when to when a ladder is above zero at all: `from` its first date, `until` the date it fell
 * to zero for good (STILL_OPEN if it has not).
 */
export function extentOf(ladder: Ladder): { from: string; until: string } {
  if (ladder.length === 0) return { from: STILL_OPEN, until: STILL_OPEN };
  const [lastDate, lastValue] = ladder.at(-1)!;
  return { from: ladder[0][0], until: lastValue === 0 ? lastDate : STILL_OPEN };
}

function compact(entries: Ladder): Ladder {
  const ladder: Ladder = [];
  for (const [date, value] of entries)
    if (value !== (ladder.at(-1)?.[1] ?? 0)) ladder.push([date, value]);
  return ladder;
}
