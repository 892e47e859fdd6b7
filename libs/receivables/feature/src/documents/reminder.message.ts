import { markup, money, type SafeHtml } from '@billing/shared/documents';
import type { ReceivableItem, ReminderView } from '../read-models/accounts.projection';

/**
 * What a reminder says: the invoice as opened on the account and the reminder as the run recorded
 * it (its open amount, days overdue).
 */
export interface ReminderFacts {
  item: Pick<
    ReceivableItem,
    'customerName' | 'currency' | 'number' | 'issueDate' | 'dueDate' | 'total'
  >;
  reminder: ReminderView;
}

const days = (count: number) => `${count} day${count === 1 ? '' : 's'}`;

const levelName = ({ reminder }: ReminderFacts) =>
  reminder.final ? 'Final reminder' : `Reminder ${reminder.level ?? ''}`.trim();

export const reminderSubject = (facts: ReminderFacts) =>
  `${levelName(facts)}: invoice ${facts.item.number} is ${days(facts.reminder.daysOverdue)} overdue`;

/** The reminder's paragraphs, plain: the HTML message escapes the same text. */
function paragraphs({ item, reminder }: ReminderFacts): string[] {
  const amount = (value: number) => `${item.currency} ${money(value, item.currency)}`;
  return [
    `As of ${reminder.runDate}, invoice ${item.number} of ${item.issueDate} (total ${amount(item.total)}), due on ${item.dueDate}, is ${days(reminder.daysOverdue)} overdue with ${amount(reminder.open)} open.`,
    'Please pay the open amount, quoting the invoice number. If you have paid it in the last few days, thank you, and please disregard this reminder.',
    ...(reminder.final
      ? ['This is our final reminder: please pay the open amount or contact us now.']
      : []),
  ];
}

const footer = ({ reminder }: ReminderFacts) =>
  `Reminder level ${reminder.level ?? '-'} (from ${days(reminder.levelDays)} overdue), sent by the reminder run of ${reminder.runDate}.`;

/** The reminder as a plain-text message (UTF-8), its subject on the first line. */
export function reminderText(facts: ReminderFacts): string {
  return [
    `Subject: ${reminderSubject(facts)}`,
    '',
    `Dear ${facts.item.customerName},`,
    '',
    ...paragraphs(facts).flatMap((text) => [text, '']),
    footer(facts),
    '',
  ].join('\n');
}

/** The reminder as an HTML message: every value escaped (a customer's name may hold `<` or `&`). */
export function reminderHtml(facts: ReminderFacts): string {
  const { item, reminder } = facts;
  const row = (label: string, value: string): SafeHtml =>
    markup`<tr><th scope="row" style="text-align:left">${label}</th><td style="text-align:right">${value}</td></tr>`;
  const amount = (value: number) => `${item.currency} ${money(value, item.currency)}`;
  const rows = [
    row('Invoice', item.number),
    row('Issued', item.issueDate),
    row('Due', item.dueDate),
    row('Invoice total', amount(item.total)),
    row('Days overdue', String(reminder.daysOverdue)),
    row('Open', amount(reminder.open)),
  ];
  const body = paragraphs(facts).map((text) => markup`<p>${text}</p>\n`);
  const head = markup`<head><meta charset="utf-8"><title>${reminderSubject(facts)}</title></head>`;
  const greeting = markup`<h1>${levelName(facts)}</h1>\n<p>Dear ${item.customerName},</p>\n`;
  const foot = markup`<table>${rows}</table>\n<p><small>${footer(facts)}</small></p>\n`;
  return markup`<!DOCTYPE html>\n<html lang="en">\n${head}\n<body>\n${greeting}${body}${foot}</body>\n</html>\n`
    .value;
}
