export * from './milestones.module';
export { SCHEDULES } from './read-models/schedule.projection';
