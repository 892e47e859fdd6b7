import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  INVOICING_TOPIC,
  invoicingSchemas,
  type CreditNoteIssuedV1,
  type InvoiceIssuedV1,
  type InvoiceVoidedV1,
} from '@billing/invoicing/messages';
import {
  RECEIVABLES_TOPIC,
  receivablesSchemas,
  type InvoiceBalancesChangedV1,
} from '@billing/receivables/messages';
import { parseMessage, type Message } from '@billing/shared/bus';
import { messageContext } from '@billing/shared/nest';
import { ExecuteContractCommand } from '../commands/contract.command';

/**
 * Invoicing and receivables report back what was billed and paid, so a contract knows when it can
 * close.
 */
@Injectable()
export class BillingReactions {
  readonly topics = [INVOICING_TOPIC, RECEIVABLES_TOPIC];

  constructor(private readonly commandBus: CommandBus) {}

  async handle(message: Message): Promise<void> {
    const ctx = (suffix = '') => messageContext(message, `contracts${suffix}`);
    switch (message.type) {
      case 'InvoiceIssued': {
        const data = parseMessage<InvoiceIssuedV1>(invoicingSchemas, message);
        const document = {
          change: 'issued' as const,
          kind: data.kind as 'progress' | 'retainage-release',
          on: data.issueDate,
          amount: data.amount,
          tax: data.tax,
        };
        const command = {
          type: 'RecordBillingFigures' as const,
          documentId: data.invoiceId,
          figures: { ...data.figures },
          document,
        };
        await this.commandBus.execute(new ExecuteContractCommand(data.contractId, command, ctx()));
        return;
      }
      case 'InvoiceVoided': {
        const data = parseMessage<InvoiceVoidedV1>(invoicingSchemas, message);
        const command = {
          type: 'RecordBillingFigures' as const,
          documentId: data.invoiceId,
          figures: { ...data.figures },
          document: { change: 'voided' as const, on: data.voidedOn },
        };
        await this.commandBus.execute(new ExecuteContractCommand(data.contractId, command, ctx()));
        return;
      }
      case 'CreditNoteIssued':
        parseMessage<CreditNoteIssuedV1>(invoicingSchemas, message);
        return;
      case 'InvoiceBalancesChanged': {
        const data = parseMessage<InvoiceBalancesChangedV1>(receivablesSchemas, message);
        for (const balance of data.balances) {
          const command = {
            type: 'RecordInvoiceBalance' as const,
            invoiceId: balance.invoiceId,
            paid: balance.paid,
            open: balance.open,
            on: data.on,
          };
          await this.commandBus.execute(
            new ExecuteContractCommand(balance.contractId, command, ctx(`/${balance.invoiceId}`)),
          );
        }
        return;
      }
    }
  }
}
