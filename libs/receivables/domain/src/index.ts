import type { Decider } from '@billing/shared/kernel';
import type { AccountCommand } from './account.commands';
import type { AccountEvent } from './account.events';
import { evolve, initialState, type AccountState } from './account';
import { byDueThenNumber, byNumber, decide, reminderDue } from './decide';

export * from './account.events';
export * from './account.commands';
export * from './account';
export * from './aging';
export * from './cash';
export * from './account.schemas';
export { byDueThenNumber, byNumber, decide, reminderDue };

export const accountDecider: Decider<AccountCommand, AccountEvent, AccountState> = {
  initialState,
  evolve,
  decide,
};
/**
 * A customer's account, per tenant: customer ids are the firm's own and may repeat across tenants.
 */
export const accountStream = (tenantId: string, customerId: string) =>
  `account-${tenantId}.${customerId}`;
/** Accounts were named by customer id alone before tenant scoping (ADR 8). */
export const legacyAccountStream = (customerId: string) => `account-${customerId}`;
