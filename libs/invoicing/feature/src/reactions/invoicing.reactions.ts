import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  CONTRACTS_TOPIC,
  contractsSchemas,
  type ChangeOrderApprovedV1,
  type ContractActivatedV1,
  type ContractPhaseChangedV1,
} from '@billing/contracts/messages';
import {
  MILESTONES_TOPIC,
  milestonesSchemas,
  type MilestoneCertifiedV1,
  type ProgressCertifiedV1,
} from '@billing/milestones/messages';
import {
  RECEIVABLES_TOPIC,
  receivablesSchemas,
  type InvoiceBalancesChangedV1,
} from '@billing/receivables/messages';
import type { LedgerCommand } from '@billing/invoicing/domain';
import {
  INVOICING_TOPIC,
  invoicingSchemas,
  type InvoiceIssuedV1,
} from '@billing/invoicing/messages';
import { parseMessage, type Message } from '@billing/shared/bus';
import { uuidFrom } from '@billing/shared/event-store';
import { messageContext } from '@billing/shared/nest';
import { ExecuteLedgerCommand } from '../commands/ledger.command';

/**
 * Contract terms open the ledger; certified work drafts the pay application; completion (or the
 * issue of the last pay application after it) drafts the retainage release; receivables' balances
 * keep "paid" current for the void rule.
 */
@Injectable()
export class InvoicingReactions {
  readonly topics = [CONTRACTS_TOPIC, MILESTONES_TOPIC, RECEIVABLES_TOPIC, INVOICING_TOPIC];

  constructor(private readonly commandBus: CommandBus) {}

  async handle(message: Message): Promise<void> {
    const send = (contractId: string, command: LedgerCommand, step = '') =>
      this.commandBus.execute(
        new ExecuteLedgerCommand(contractId, command, messageContext(message, `invoicing${step}`)),
      );
    switch (message.type) {
      case 'ContractActivated': {
        const {
          contractId,
          activatedOn,
          customer,
          title,
          currency,
          originalSum,
          retainage,
          taxRate,
          paymentTermsDays,
          poNumber,
          lines,
        } = parseMessage<ContractActivatedV1>(contractsSchemas, message);
        const terms = {
          customer: { ...customer },
          title,
          currency,
          originalSum,
          retainage: retainage.map((step) => ({ ...step })),
          taxRate,
          paymentTermsDays,
          poNumber,
        };
        return void (await send(contractId, {
          type: 'OpenLedger',
          contractId,
          terms,
          lines: lines.map((line) => ({ ...line })),
          openedOn: activatedOn,
        }));
      }
      case 'ChangeOrderApproved': {
        const data = parseMessage<ChangeOrderApprovedV1>(contractsSchemas, message);
        return void (await send(data.contractId, {
          type: 'RecordChangeOrder',
          changeOrderId: data.changeOrderId,
          amount: data.amount,
          lines: data.lines.map((line) => ({ ...line })),
        }));
      }
      case 'ContractPhaseChanged': {
        const data = parseMessage<ContractPhaseChangedV1>(contractsSchemas, message);
        await send(data.contractId, {
          type: 'RecordContractPhase',
          phase: data.phase,
          on: data.on,
        });
        if (data.phase === 'completed')
          // Dated by the ledger: the completion, or the last issue if this message comes after it.
          await send(
            data.contractId,
            {
              type: 'DraftRetainageRelease',
              invoiceId: uuidFrom(`${message.id}/release`),
              agreed: false,
            },
            '/release',
          );
        return;
      }
      case 'ProgressCertified': {
        const data = parseMessage<ProgressCertifiedV1>(milestonesSchemas, message);
        const lines = data.lines.map(({ lineId, workCompletedToDate, storedMaterials }) => ({
          lineId,
          workCompletedToDate,
          storedMaterials,
        }));
        return void (await send(data.contractId, {
          type: 'DraftPayApplication',
          invoiceId: uuidFrom(data.certificationId),
          certificationId: data.certificationId,
          periodEnd: data.periodEnd,
          certifiedOn: data.certifiedOn,
          lines,
        }));
      }
      case 'MilestoneCertified': {
        const data = parseMessage<MilestoneCertifiedV1>(milestonesSchemas, message);
        const lines = [
          { lineId: data.lineId, workCompletedToDate: data.amount, storedMaterials: 0 },
        ];
        return void (await send(data.contractId, {
          type: 'DraftPayApplication',
          invoiceId: uuidFrom(data.certificationId),
          certificationId: data.certificationId,
          periodEnd: data.certifiedOn,
          certifiedOn: data.certifiedOn,
          lines,
        }));
      }
      case 'InvoiceIssued': {
        // The last pay application of a completed contract may be issued after completion: the
        // release is due then.
        const data = parseMessage<InvoiceIssuedV1>(invoicingSchemas, message);
        if (data.kind === 'progress')
          await send(
            data.contractId,
            { type: 'ReleaseRetainageWhenDue', invoiceId: uuidFrom(`${message.id}/release`) },
            '/release',
          );
        return;
      }
      case 'InvoiceBalancesChanged': {
        const data = parseMessage<InvoiceBalancesChangedV1>(receivablesSchemas, message);
        for (const balance of data.balances)
          await send(
            balance.contractId,
            {
              type: 'RecordInvoicePayments',
              invoiceId: balance.invoiceId,
              paid: balance.paid,
              on: data.on,
              open: balance.open,
            },
            `/${balance.invoiceId}`,
          );
        return;
      }
    }
  }
}
