import type { ContractEvent } from '@billing/contracts/domain';
import { aggregateIdOf, type Projection } from '@billing/shared/read-models';
import { decodeContractEvent } from '../contracts.events';
import { CONTRACT_LEDGERS, evolveLedger, type ContractLedgerView } from './contract-ledger';
import { updateWipSchedule, WIP_ROWS, WIP_TOTALS } from './wip-schedule';

/**
 * The events that can move a WIP figure: the costs, the contract sum as of a date, what was billed
 * by a date.
 */
const MOVES_WIP = new Set<ContractEvent['type']>([
  'CostsReported',
  'ChangeOrderApproved',
  'BillingFiguresRecorded',
]);

/**
 * The periods an event can move: a cost report its own; a change order or a document those ending
 * on or after its date (all, for a figures update recorded before documents were dated).
 */
function periodsMoved(event: ContractEvent): (periodEnd: string) => boolean {
  if (event.type === 'CostsReported') return (periodEnd) => periodEnd === event.data.periodEnd;
  const on =
    event.type === 'ChangeOrderApproved'
      ? event.data.approvedOn
      : event.type === 'BillingFiguresRecorded'
        ? event.data.document?.on
        : undefined;
  return (periodEnd) => on === undefined || periodEnd >= on;
}

/**
 * Finance's read models of a contract (ADR 20): its ledger (contract sum to date, billed,
 * retainage held and released, paid, outstanding, remaining to bill) and its over/under billing
 * (WIP) line for every period it reported costs for, with the tenant's totals per period.
 */
export const contractFinanceProjection: Projection = {
  name: 'contract-finance',
  version: 1,
  streamPrefixes: ['contract-'],
  collections: [CONTRACT_LEDGERS, WIP_ROWS, WIP_TOTALS],
  indexes: [
    { collection: CONTRACT_LEDGERS, fields: { title: 1 } },
    { collection: CONTRACT_LEDGERS, fields: { status: 1, title: 1 } },
    { collection: CONTRACT_LEDGERS, fields: { customerId: 1, title: 1 } },
    { collection: CONTRACT_LEDGERS, fields: { currency: 1, title: 1 } },
    { collection: WIP_ROWS, fields: { periodEnd: 1, customerName: 1, title: 1 } },
    { collection: WIP_ROWS, fields: { periodEnd: 1, currency: 1, customerName: 1, title: 1 } },
    { collection: WIP_ROWS, fields: { contractId: 1, periodEnd: 1 } },
    { collection: WIP_ROWS, fields: { customerId: 1, periodEnd: 1 } },
  ],
  async handle(recorded, store) {
    const event = decodeContractEvent(recorded);
    const contractId = event.data.contractId;
    if (event.type !== 'ContractCreated' && !(await store.get(CONTRACT_LEDGERS, contractId)))
      return;
    await store.apply<ContractLedgerView>(
      CONTRACT_LEDGERS,
      contractId,
      recorded.position,
      (current) => evolveLedger(current, event, recorded),
    );
    if (!MOVES_WIP.has(event.type)) return;
    const ledger = await store.get<ContractLedgerView>(CONTRACT_LEDGERS, contractId);
    if (ledger) await updateWipSchedule(store, recorded, ledger, periodsMoved(event));
  },
  affected: (recorded) => [
    { collection: CONTRACT_LEDGERS, id: aggregateIdOf(recorded.streamId, ['contract-']) },
  ],
};
