import type { RecordedEvent } from '@billing/shared/event-store';

/** The streams a contract owns (ADR 2): its terms, its schedule of values, its billing ledger. */
export const contractStreams = (contractId: string): string[] => [
  `contract-${contractId}`,
  `schedule-${contractId}`,
  `billing-${contractId}`,
];

/**
 * Streams shared by many contracts whose events name the contract they concern: accounts and number
 * series.
 */
export const NAMING_CATEGORIES = ['account-', 'numbering-'];

/**
 * Which contracts an event concerns: those its data names (an account event names each invoice's
 * contract in its balances).
 */
export function contractsOf(event: RecordedEvent): string[] {
  const data = (event.data ?? {}) as {
    contractId?: unknown;
    balances?: { contractId?: unknown }[];
  };
  const named = [
    data.contractId,
    ...(Array.isArray(data.balances) ? data.balances.map((balance) => balance?.contractId) : []),
  ];
  return [...new Set(named.filter((id): id is string => typeof id === 'string'))];
}
