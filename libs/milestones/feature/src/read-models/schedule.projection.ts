import { evolve, type Schedule, type ScheduleEvent } from '@billing/milestones/domain';
import { documentProjection } from '@billing/shared/read-models';
import { decodeScheduleEvent } from '../milestones.events';

/** v2: the activation date and each milestone's achievement date; v3: when each was last rejected. */
export const SCHEDULES = 'schedules_v3';

export interface ScheduleView extends Schedule {
  certifications: { certificationId: string; periodEnd: string; certifiedOn: string }[];
  rejections: { periodEnd?: string; lineId?: string; reason: string; rejectedOn: string }[];
}

/** The schedule as the domain folds it, plus the certification and rejection history. */
export const scheduleProjection = documentProjection<ScheduleEvent, ScheduleView>({
  name: 'schedule',
  version: 3,
  collection: SCHEDULES,
  streamPrefixes: ['schedule-'],
  decode: decodeScheduleEvent,
  idOf: (event) => event.data.contractId,
  evolve: (current, event) => {
    const view = {
      certifications: [],
      rejections: [],
      ...(evolve(current ?? { status: 'none' }, event) as Schedule),
    } as ScheduleView;
    if (current)
      Object.assign(view, {
        certifications: current.certifications,
        rejections: current.rejections,
      });
    if (event.type === 'ProgressCertified' || event.type === 'MilestoneCertified') {
      const periodEnd =
        event.type === 'ProgressCertified' ? event.data.periodEnd : event.data.certifiedOn;
      view.certifications = [
        ...view.certifications,
        {
          certificationId: event.data.certificationId,
          periodEnd,
          certifiedOn: event.data.certifiedOn,
        },
      ];
    }
    if (event.type === 'ProgressRejected' || event.type === 'MilestoneRejected')
      view.rejections = [...view.rejections, { ...event.data }];
    return view;
  },
});
