import type { Decider } from '@billing/shared/kernel';
import type { AccountCommand } from './account.commands';
import type { AccountEvent } from './account.events';
import { evolve, initialState, type AccountState } from './account';
import { decide } from './decide';

export * from './account.events';
export * from './account.commands';
export * from './account';
export * from './aging';
export { decide };

export const accountDecider: Decider<AccountCommand, AccountEvent, AccountState> = { initialState, evolve, decide };
export const accountStream = (customerId: string) => `account-${customerId}`;
