import { scheduleEventSchemas, type ScheduleEvent } from '@billing/milestones/domain';
import { EventSchemas, type RecordedEvent } from '@billing/shared/event-store';

const schemas = new EventSchemas().register(scheduleEventSchemas);

/**
 * A stored event as its domain type, checked against its type's schema (throws InvalidEvent
 * otherwise).
 */
export const decodeScheduleEvent = (recorded: RecordedEvent) =>
  schemas.decode<ScheduleEvent>(recorded);
