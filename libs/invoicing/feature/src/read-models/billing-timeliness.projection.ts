import type { LedgerEvent } from '@billing/invoicing/domain';
import type { RecordedEvent } from '@billing/shared/event-store';
import { daysBetween } from '@billing/shared/kernel';
import { aggregateIdOf, type Projection, type ReadModelStore } from '@billing/shared/read-models';
import { decodeLedgerEvent } from '../invoicing.events';

export const TIMELINESS_CONTRACTS = 'billing_timeliness_contracts_v1';
export const TIMELINESS = 'billing_timeliness_v1';

interface Certification {
  certificationId: string;
  certifiedOn?: string;
}

/**
 * Per contract: the certifications not yet on an issued pay application, and those each issued
 * application billed.
 */
export interface TimelinessContractView {
  contractId: string;
  contractTitle: string;
  customerId: string;
  customerName: string;
  pending: Certification[];
  billed: Record<string, { certifications: Certification[]; voided: boolean }>;
}

/**
 * One issued pay application: days from the earliest certification it billed to its issue date (ADR
 * 20).
 */
export interface TimelinessRow {
  invoiceId: string;
  contractId: string;
  contractTitle: string;
  customerId: string;
  customerName: string;
  number: string;
  certifiedOn: string;
  issueDate: string;
  days: number;
  voided: boolean;
}

/**
 * Billing timeliness: when work was certified and when the pay application billing it was issued.
 * A pay application counts from the earliest certification it is the first to bill; a voided one
 * gives its certifications back to the next, and stops counting.
 */
export const billingTimelinessProjection: Projection = {
  name: 'billing-timeliness',
  version: 1,
  streamPrefixes: ['billing-'],
  collections: [TIMELINESS_CONTRACTS, TIMELINESS],
  indexes: [
    { collection: TIMELINESS, fields: { voided: 1, issueDate: 1 } },
    { collection: TIMELINESS, fields: { contractId: 1, issueDate: 1 } },
    { collection: TIMELINESS, fields: { customerId: 1, issueDate: 1 } },
  ],
  affected: (recorded) => [
    { collection: TIMELINESS_CONTRACTS, id: aggregateIdOf(recorded.streamId, ['billing-']) },
  ],
  async handle(recorded: RecordedEvent, store: ReadModelStore) {
    const event = decodeLedgerEvent(recorded);
    const { contractId } = event.data;
    if (event.type !== 'LedgerOpened' && !(await store.get(TIMELINESS_CONTRACTS, contractId)))
      return;
    await store.apply<TimelinessContractView>(
      TIMELINESS_CONTRACTS,
      contractId,
      recorded.position,
      (current) => evolveContract(current, event),
    );
    if (event.type !== 'InvoiceIssued' && event.type !== 'InvoiceVoided') return;
    const contract = await store.get<TimelinessContractView>(TIMELINESS_CONTRACTS, contractId);
    const billed = contract?.billed[event.data.invoiceId];
    const dates =
      billed?.certifications
        .flatMap((certification) => (certification.certifiedOn ? [certification.certifiedOn] : []))
        .sort() ?? [];
    if (!contract || !billed || dates.length === 0) return;
    const { contractTitle, customerId, customerName } = contract;
    await store.apply<TimelinessRow>(
      TIMELINESS,
      event.data.invoiceId,
      recorded.position,
      (current) =>
        event.type === 'InvoiceIssued'
          ? {
              invoiceId: event.data.invoiceId,
              contractId,
              contractTitle,
              customerId,
              customerName,
              number: event.data.number,
              certifiedOn: dates[0],
              issueDate: event.data.issueDate,
              days: daysBetween(dates[0], event.data.issueDate),
              voided: false,
            }
          : { ...current!, voided: true },
    );
  },
};

function evolveContract(
  current: TimelinessContractView | undefined,
  event: LedgerEvent,
): TimelinessContractView {
  if (event.type === 'LedgerOpened') {
    const { contractId, terms } = event.data;
    return {
      contractId,
      contractTitle: terms.title,
      customerId: terms.customer.id,
      customerName: terms.customer.name,
      pending: [],
      billed: {},
    };
  }
  const contract = current!;
  switch (event.type) {
    case 'WorkCertified':
      return {
        ...contract,
        pending: [
          ...contract.pending,
          { certificationId: event.data.certificationId, certifiedOn: event.data.certifiedOn },
        ],
      };
    case 'InvoiceIssued':
      if (event.data.kind !== 'progress') return contract;
      return {
        ...contract,
        pending: [],
        billed: {
          ...contract.billed,
          [event.data.invoiceId]: { certifications: contract.pending, voided: false },
        },
      };
    case 'InvoiceVoided': {
      const billed = contract.billed[event.data.invoiceId];
      if (!billed) return contract;
      return {
        ...contract,
        pending: [...billed.certifications, ...contract.pending],
        billed: { ...contract.billed, [event.data.invoiceId]: { ...billed, voided: true } },
      };
    }
    default:
      return contract;
  }
}
