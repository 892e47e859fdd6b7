import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { NotFoundError } from '@billing/shared/kernel';
import {
  ApiDocumentResponse,
  ApiProblems,
  Ctx,
  documentFile,
  READ_MODELS,
  type RequestContext,
  uuidParam,
  invalidField,
} from '@billing/shared/nest';
import { forTenant, type ReadModelStore } from '@billing/shared/read-models';
import { ITEMS, type ReceivableItem } from '../read-models/accounts.projection';
import { statementFor } from '../read-models/statement.query';
import { reminderHtml, reminderText, type ReminderFacts } from './reminder.message';
import { renderStatement } from './statement.pdf';

/**
 * A reminder's level in the path: its rank, 1 = first (README "Documents"), or 400. Read from the
 * text as sent: a parameter typed `number` would be converted (`0x10`, ` 5`) by the global
 * validation pipe first.
 */
function levelOf(text: string): number {
  const level = /^\d{1,2}$/.test(text) ? Number(text) : 0;
  if (level < 1)
    throw invalidField(
      'level',
      `the level is a reminder's rank, a whole number from 1 to 99, not ${text}`,
    );
  return level;
}

const LEVEL = {
  name: 'level',
  description: "The reminder's level: its rank among the run's levels, 1 = first",
  schema: { type: 'integer', minimum: 1, maximum: 99 },
};
const STATEMENT_PERIOD = [
  {
    name: 'from',
    description: 'YYYY-MM-DD',
    schema: { type: 'string', format: 'date', example: '2026-01-01' },
  },
  {
    name: 'to',
    description: 'YYYY-MM-DD, on or after `from`: the date the statement is issued on',
    schema: { type: 'string', format: 'date', example: '2026-06-30' },
  },
];
const NO_REMINDER: [404, string] = [
  404,
  'No account for the customer, no such invoice on it, or no reminder of that level sent for it',
];

/**
 * Customers' documents: the statement as the statement query answers it, and each reminder sent, as
 * the run recorded it (its open amount and days overdue), on the invoice as it was opened.
 */
@ApiTags('receivables')
@Controller()
export class ReceivablesDocuments {
  constructor(@Inject(READ_MODELS) private readonly readModels: ReadModelStore) {}

  @Get('accounts/:customerId/statement/pdf')
  @ApiOperation({
    summary:
      "A customer's statement for a period as PDF: balance brought forward, the period's entries with the running balance, closing balance",
  })
  @ApiQuery(STATEMENT_PERIOD[0])
  @ApiQuery(STATEMENT_PERIOD[1])
  @ApiDocumentResponse(
    'application/pdf',
    'The PDF, dated the last day of the period; the same bytes while no entry of the period is added',
  )
  @ApiProblems(
    [400, 'A malformed id, or `from` and `to` are not dates with `from` on or before `to`'],
    [404, 'No account for the customer (no invoice was issued to it)'],
  )
  async statement(
    @Param('customerId', uuidParam('customerId')) customerId: string,
    @Query('from') from: string,
    @Query('to') to: string,
    @Ctx() ctx: RequestContext,
  ) {
    const statement = await statementFor(this.readModels, ctx.tenantId, customerId, from, to);
    return documentFile(
      await renderStatement(statement),
      'application/pdf',
      `statement-${from}-${to}`,
    );
  }

  @Get('accounts/:customerId/invoices/:invoiceId/reminders/:level/text')
  @ApiOperation({
    summary:
      'A reminder sent for an invoice, as a plain-text message (its subject on the first line)',
  })
  @ApiParam(LEVEL)
  @ApiDocumentResponse('text/plain', 'The message in UTF-8')
  @ApiProblems(
    [400, 'A malformed id, or a level that is not a whole number from 1 to 99'],
    NO_REMINDER,
  )
  async text(
    @Param('customerId', uuidParam('customerId')) customerId: string,
    @Param('invoiceId', uuidParam('invoiceId')) invoiceId: string,
    @Param('level') level: string,
    @Ctx() ctx: RequestContext,
  ) {
    const facts = await this.reminder(customerId, invoiceId, levelOf(level), ctx);
    return documentFile(
      reminderText(facts),
      'text/plain',
      `${facts.item.number}-reminder-${facts.reminder.level}`,
    );
  }

  @Get('accounts/:customerId/invoices/:invoiceId/reminders/:level/html')
  @ApiOperation({ summary: 'A reminder sent for an invoice, as an HTML message' })
  @ApiParam(LEVEL)
  @ApiDocumentResponse('text/html', 'The message in UTF-8, every value escaped')
  @ApiProblems(
    [400, 'A malformed id, or a level that is not a whole number from 1 to 99'],
    NO_REMINDER,
  )
  async html(
    @Param('customerId', uuidParam('customerId')) customerId: string,
    @Param('invoiceId', uuidParam('invoiceId')) invoiceId: string,
    @Param('level') level: string,
    @Ctx() ctx: RequestContext,
  ) {
    const facts = await this.reminder(customerId, invoiceId, levelOf(level), ctx);
    return documentFile(
      reminderHtml(facts),
      'text/html',
      `${facts.item.number}-reminder-${facts.reminder.level}`,
    );
  }

  private async reminder(
    customerId: string,
    invoiceId: string,
    level: number,
    ctx: RequestContext,
  ): Promise<ReminderFacts> {
    const item = await forTenant(this.readModels, ctx.tenantId).get<ReceivableItem>(
      ITEMS,
      invoiceId,
    );
    const reminder =
      item?.customerId === customerId
        ? item.reminders.find((sent) => sent.level === level)
        : undefined;
    if (!item || !reminder)
      throw new NotFoundError(
        `no reminder of level ${level} was sent for invoice ${invoiceId} of customer ${customerId}`,
      );
    return { item, reminder };
  }
}
