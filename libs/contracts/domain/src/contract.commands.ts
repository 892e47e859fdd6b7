import type {
  BillingDocument,
  BillingFigures,
  ContractTerms,
  CostReport,
  ScheduleLine,
} from './contract.events';

export type ContractCommand =
  | {
      type: 'CreateContract';
      contractId: string;
      terms: ContractTerms;
      lines: ScheduleLine[];
      createdOn: string;
    }
  | { type: 'ReviseScheduleOfValues'; lines: ScheduleLine[] }
  | { type: 'ActivateContract'; activatedOn: string }
  | {
      type: 'ApproveChangeOrder';
      changeOrderId: string;
      number: string;
      description: string;
      amount: number;
      approvedOn: string;
      lines: ScheduleLine[];
    }
  | { type: 'SuspendContract'; suspendedOn: string; reason: string }
  | { type: 'ResumeContract'; resumedOn: string }
  | { type: 'CompleteContract'; completedOn: string }
  | { type: 'CloseContract'; closedOn: string }
  | { type: 'CancelContract'; cancelledOn: string; reason: string }
  | {
      type: 'RecordBillingFigures';
      documentId: string;
      figures: BillingFigures;
      document?: BillingDocument;
    }
  | ({ type: 'ReportCosts'; reportedOn: string } & CostReport)
  /** `paid` and `open` after the change receivables made `on` (a payment's receipt date, ...). */
  | { type: 'RecordInvoiceBalance'; invoiceId: string; paid: number; open: number; on?: string };
