import type { Decider } from '@billing/shared/kernel';
import type { ContractCommand } from './contract.commands';
import type { ContractEvent } from './contract.events';
import { evolve, initialState, type ContractState } from './contract';
import { ContractStillOpen, decide } from './decide';

export * from './contract.events';
export * from './contract.commands';
export * from './contract';
export * from './contract.schemas';
export * from './wip';
export { decide, ContractStillOpen };

export const contractDecider: Decider<ContractCommand, ContractEvent, ContractState> = {
  initialState,
  evolve,
  decide,
};
export const contractStream = (contractId: string) => `contract-${contractId}`;
