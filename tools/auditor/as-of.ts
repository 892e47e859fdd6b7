import { contractDating, contractDecider, contractStream } from '@billing/contracts/domain';
import {
  findInvoice,
  ledgerBusinessDate,
  ledgerDecider,
  ledgerStream,
} from '@billing/invoicing/domain';
import { accountBusinessDate, accountDecider } from '@billing/receivables/domain';
import { resolveAccountStream } from '@billing/receivables/feature';
import { stateAsOf, type AsOf } from '@billing/shared/event-store';
import { isBusinessDate } from '@billing/shared/kernel';
import { instant, options, STORE_OPTIONS, type Command } from './io';
import { openStore, UsageError } from './store';

export const AS_OF_USAGE = `auditor as-of (--contract ID [--invoice ID] | --account CUSTOMER) [--date YYYY-MM-DD] [--at INSTANT] [--tenant T] [--time-zone Z]
  the contract, one of its invoices or pay applications, or a customer's account as of a business date (--date: events dated
  on or before it) as known at an instant (--at: events recorded by then, now by default), as JSON (ADR 17)`;

/**
 * npm run auditor -- as-of: the same fold as GET .../as-of?date=&at=, from the store itself; exit 1
 * when it did not exist then.
 */
export const asOfCommand: Command = async (args, io) => {
  const { values } = options(args, {
    ...STORE_OPTIONS,
    contract: { type: 'string' },
    invoice: { type: 'string' },
    account: { type: 'string' },
    date: { type: 'string' },
    at: { type: 'string' },
    tenant: { type: 'string' },
    'time-zone': { type: 'string' },
  });
  if (!values.contract === !values.account)
    throw new UsageError(
      'give --contract ID (with --invoice ID for one invoice) or --account CUSTOMER',
    );
  if (values.invoice && !values.contract)
    throw new UsageError('--invoice needs the --contract it belongs to');
  if (values.date !== undefined && !isBusinessDate(values.date))
    throw new UsageError('--date must be a business date YYYY-MM-DD');
  const asOf: AsOf = { knownAt: instant(values.at, 'at') ?? new Date(), date: values.date };
  const tenantId = values.tenant ?? 'default';
  const timeZone = values['time-zone'] ?? process.env.BILLING_TIME_ZONE ?? 'UTC';
  const { store } = openStore(values);
  try {
    const answer = await view(values, asOf, tenantId, timeZone, store);
    const when = `${asOf.date ? `as of ${asOf.date}, ` : ''}as known at ${asOf.knownAt.toISOString()}`;
    if (!answer) {
      // A tenant's ids are its own: the same id may not exist for the tenant asked about.
      const tenant = values.tenant
        ? `tenant "${tenantId}"`
        : `tenant "${tenantId}" (the default: --tenant T asks about another)`;
      io.err(`it did not exist ${when} for ${tenant}`);
      return 1;
    }
    io.out(
      JSON.stringify({ asOf: asOf.knownAt.toISOString(), date: asOf.date, ...answer }, null, 2),
    );
    return 0;
  } finally {
    await store.close();
  }
};

async function view(
  values: { contract?: string; invoice?: string; account?: string },
  asOf: AsOf,
  tenantId: string,
  timeZone: string,
  store: ReturnType<typeof openStore>['store'],
) {
  if (values.account) {
    const stream = await resolveAccountStream(store, tenantId, values.account);
    const { state, events } = await stateAsOf(store, stream, accountDecider, asOf, tenantId, {
      businessDate: accountBusinessDate,
      timeZone,
    });
    return state.status === 'none' ? undefined : { eventsApplied: events.length, account: state };
  }
  const contractId = values.contract!;
  if (values.invoice) {
    const { state } = await stateAsOf(
      store,
      ledgerStream(contractId),
      ledgerDecider,
      asOf,
      tenantId,
      { businessDate: ledgerBusinessDate, timeZone },
    );
    const invoice = state.status === 'open' ? findInvoice(state, values.invoice) : undefined;
    return invoice && { invoice };
  }
  const { state, events } = await stateAsOf(
    store,
    contractStream(contractId),
    contractDecider,
    asOf,
    tenantId,
    { ...contractDating, timeZone },
  );
  return state.status === 'none' ? undefined : { eventsApplied: events.length, contract: state };
}
