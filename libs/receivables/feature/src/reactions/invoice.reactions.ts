import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  INVOICING_TOPIC,
  invoicingSchemas,
  type CreditNoteIssuedV1,
  type InvoiceIssuedV1,
  type InvoiceVoidedV1,
} from '@billing/invoicing/messages';
import { parseMessage, type Message } from '@billing/shared/bus';
import { messageContext } from '@billing/shared/nest';
import { ExecuteAccountCommand } from '../commands/account.command';

/** Issued invoices open receivables; voids cancel them; credit notes reduce them. */
@Injectable()
export class InvoiceReactions {
  readonly topics = [INVOICING_TOPIC];

  constructor(private readonly commandBus: CommandBus) {}

  async handle(message: Message): Promise<void> {
    const ctx = messageContext(message, 'receivables');
    switch (message.type) {
      case 'InvoiceIssued': {
        const data = parseMessage<InvoiceIssuedV1>(invoicingSchemas, message);
        const {
          customerId,
          customerName,
          invoiceId,
          number,
          contractId,
          kind,
          currency,
          issueDate,
          dueDate,
          total,
          figures,
        } = data;
        const command = {
          type: 'OpenInvoice' as const,
          customerId,
          customerName,
          invoiceId,
          number,
          contractId,
          kind,
          currency,
          issueDate,
          dueDate,
          total,
          retainageHeld: figures.retainageHeld,
        };
        return void (await this.commandBus.execute(
          new ExecuteAccountCommand(customerId, command, ctx),
        ));
      }
      case 'InvoiceVoided': {
        const data = parseMessage<InvoiceVoidedV1>(invoicingSchemas, message);
        return void (await this.commandBus.execute(
          new ExecuteAccountCommand(
            data.customerId,
            {
              type: 'CancelInvoice',
              invoiceId: data.invoiceId,
              voidedOn: data.voidedOn,
              retainageHeld: data.figures.retainageHeld,
            },
            ctx,
          ),
        ));
      }
      case 'CreditNoteIssued': {
        const data = parseMessage<CreditNoteIssuedV1>(invoicingSchemas, message);
        const command = {
          type: 'RecordCreditNote' as const,
          creditNoteId: data.creditNoteId,
          invoiceId: data.invoiceId,
          number: data.number,
          issueDate: data.issueDate,
          total: data.total,
        };
        return void (await this.commandBus.execute(
          new ExecuteAccountCommand(data.customerId, command, ctx),
        ));
      }
    }
  }
}
