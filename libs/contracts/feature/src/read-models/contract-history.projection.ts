import { contractsOf } from '@billing/shared/audit';
import type { RecordedEvent } from '@billing/shared/event-store';
import type { Projection } from '@billing/shared/read-models';

export const CONTRACT_HISTORY = 'contract_history_v1';

/** One event about a contract, from any of the four contexts, as the audit history shows it. */
export interface HistoryEntry {
  contractId: string;
  position: number;
  streamId: string;
  revision: number;
  type: string;
  recordedAt: string;
  metadata: RecordedEvent['metadata'];
  data: unknown;
}

/** The contexts' streams whose events name the contract they concern. */
const STREAMS = ['contract-', 'schedule-', 'billing-', 'account-', 'numbering-'];

/**
 * Audit: every event about a contract in every context this process stores, indexed by contract
 * and position, so a contract's history reads its own events only (paged), never the whole log.
 */
export const contractHistoryProjection: Projection = {
  name: 'contract-history',
  version: 1,
  streamPrefixes: STREAMS,
  collections: [CONTRACT_HISTORY],
  indexes: [{ collection: CONTRACT_HISTORY, fields: { contractId: 1, position: 1 } }],
  async handle(recorded, store) {
    for (const contractId of contractsOf(recorded)) {
      const { position, streamId, revision, type, recordedAt, metadata, data } = recorded;
      const entry = () => ({
        contractId,
        position,
        streamId,
        revision,
        type,
        recordedAt,
        metadata,
        data,
      });
      // One entry per event: written once, so there is nothing to read first.
      await store.apply<HistoryEntry>(
        CONTRACT_HISTORY,
        `${contractId}/${recorded.id}`,
        position,
        entry,
        { fresh: true },
      );
    }
  },
  affected: () => [],
};
