import {
  MILESTONES_TOPIC,
  type MilestoneCertifiedV1,
  type ProgressCertifiedV1,
} from '@billing/milestones/messages';
import { messageFrom, type Message } from '@billing/shared/bus';
import type { RecordedEvent } from '@billing/shared/event-store';
import { decodeScheduleEvent } from './milestones.events';

export function scheduleMessages(recorded: RecordedEvent): Message[] {
  const event = decodeScheduleEvent(recorded);
  switch (event.type) {
    case 'ProgressCertified': {
      const { contractId, certificationId, periodEnd, certifiedOn, lines } = event.data;
      const data: ProgressCertifiedV1 = {
        contractId,
        certificationId,
        periodEnd,
        certifiedOn,
        lines: lines.map(({ lineId, percentComplete, workCompletedToDate, storedMaterials }) => ({
          lineId,
          percentComplete,
          workCompletedToDate,
          storedMaterials,
        })),
      };
      return [messageFrom(recorded, MILESTONES_TOPIC, contractId, 'ProgressCertified', data)];
    }
    case 'MilestoneCertified': {
      const { contractId, certificationId, lineId, amount, certifiedOn } = event.data;
      return [
        messageFrom<MilestoneCertifiedV1>(
          recorded,
          MILESTONES_TOPIC,
          contractId,
          'MilestoneCertified',
          { contractId, certificationId, lineId, amount, certifiedOn },
        ),
      ];
    }
    default:
      return [];
  }
}
