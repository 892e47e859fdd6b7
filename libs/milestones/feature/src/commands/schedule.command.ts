import { scheduleDecider, scheduleStream } from '@billing/milestones/domain';
import { deciderCommand } from '@billing/shared/nest';

export const { Command: ExecuteScheduleCommand, Handler: ScheduleCommandHandler } = deciderCommand(
  scheduleDecider,
  scheduleStream,
  'schedule.v1',
);
