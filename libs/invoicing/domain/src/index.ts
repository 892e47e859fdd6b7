import type { Decider } from '@billing/shared/kernel';
import type { LedgerCommand } from './ledger.commands';
import type { LedgerEvent } from './ledger.events';
import { evolve, initialState, type LedgerState } from './ledger';
import { decide } from './decide';

export * from './ledger.events';
export * from './ledger.commands';
export * from './ledger';
export * from './pay-application';
export * from './documents';
export * from './numbering';
export * from './ledger.schemas';
export { decide };

export const ledgerDecider: Decider<LedgerCommand, LedgerEvent, LedgerState> = {
  initialState,
  evolve,
  decide,
};
export const ledgerStream = (contractId: string) => `billing-${contractId}`;
