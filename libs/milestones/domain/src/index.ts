import type { Decider } from '@billing/shared/kernel';
import type { ScheduleCommand } from './schedule.commands';
import type { ScheduleEvent } from './schedule.events';
import { evolve, initialState, type ScheduleState } from './schedule';
import { decide } from './decide';

export * from './schedule.events';
export * from './schedule.commands';
export * from './schedule';
export * from './schedule.schemas';
export { decide };

export const scheduleDecider: Decider<ScheduleCommand, ScheduleEvent, ScheduleState> = {
  initialState,
  evolve,
  decide,
};
export const scheduleStream = (contractId: string) => `schedule-${contractId}`;
