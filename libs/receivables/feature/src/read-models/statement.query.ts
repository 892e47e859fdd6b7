import { invalidFields } from '@billing/shared/nest';
import { isBusinessDate, NotFoundError } from '@billing/shared/kernel';
import { forTenant, type ReadModelStore } from '@billing/shared/read-models';
import {
  ACCOUNTS,
  accountKey,
  ENTRIES,
  ENTRY_MONTHS,
  type AccountView,
  type EntryMonthView,
  type EntryView,
} from './accounts.projection';
import { statement } from './account-reports';

/** The statement, and what its account lacks (parked events: `degraded` over HTTP). */
export type StatementView = ReturnType<typeof statement> & { _parked?: unknown[] };

/**
 * A customer's statement for a period from its book entries (DOMAIN.md "Customer statement"): what
 * the JSON and the PDF statement both show.
 */
export async function statementFor(
  readModels: ReadModelStore,
  tenantId: string,
  customerId: string,
  from: string,
  to: string,
): Promise<StatementView> {
  const problems: [string, string][] = [
    ...(isBusinessDate(from) ? [] : [['from', 'from must be a calendar date YYYY-MM-DD']]),
    ...(isBusinessDate(to) ? [] : [['to', 'to must be a calendar date YYYY-MM-DD']]),
  ] as [string, string][];
  if (problems.length === 0 && from > to) problems.push(['from', 'from must be on or before to']);
  if (problems.length > 0) throw invalidFields(problems);
  const tenant = forTenant(readModels, tenantId);
  const account = await tenant.get<AccountView>(ACCOUNTS, accountKey(tenantId, customerId));
  if (!account) throw new NotFoundError(`no account for customer ${customerId}`);
  // The opening balance: the months before `from`'s month by their totals, then that month's
  // entries before `from`.
  const month = from.slice(0, 7);
  const earlierMonths = await tenant.find<EntryMonthView>(ENTRY_MONTHS, {
    customerId,
    month: { $lt: month },
  });
  const earlier = await tenant.find<EntryView>(ENTRIES, {
    customerId,
    date: { $gte: `${month}-01`, $lt: from },
  });
  const period = await tenant.find<EntryView>(
    ENTRIES,
    { customerId, date: { $gte: from, $lte: to } },
    { sort: { date: 1, position: 1 } },
  );
  const opening = [...earlierMonths, ...earlier].reduce((total, { amount }) => total + amount, 0);
  const { _parked: parked } = account as { _parked?: unknown[] };
  return {
    ...statement(account, opening, period, from, to),
    ...(parked ? { _parked: parked } : {}),
  };
}
