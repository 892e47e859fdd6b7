import { reminderHtml, reminderText, type ReminderFacts } from './reminder.message';

const facts: ReminderFacts = {
  item: {
    customerName: `O'Brien & <Sons> "Builders"`,
    currency: 'USD',
    number: 'INV-2026-00007',
    issueDate: '2026-02-16',
    dueDate: '2026-03-18',
    total: 9_000_000,
  },
  reminder: {
    level: 3,
    levelDays: 30,
    final: true,
    runDate: '2026-04-17',
    daysOverdue: 30,
    open: 8_000_050,
  },
};

describe('reminder messages', () => {
  it('say, as plain text, which invoice, how late, what is open, and that the reminder is final', () => {
    expect(reminderText(facts)).toBe(
      [
        'Subject: Final reminder: invoice INV-2026-00007 is 30 days overdue',
        '',
        `Dear O'Brien & <Sons> "Builders",`,
        '',
        'As of 2026-04-17, invoice INV-2026-00007 of 2026-02-16 (total USD 90,000.00), due on 2026-03-18, is 30 days overdue with USD 80,000.50 open.',
        '',
        'Please pay the open amount, quoting the invoice number. If you have paid it in the last few days, thank you, and please disregard this reminder.',
        '',
        'This is our final reminder: please pay the open amount or contact us now.',
        '',
        'Reminder level 3 (from 30 days overdue), sent by the reminder run of 2026-04-17.',
        '',
      ].join('\n'),
    );
  });

  it('escape every value in HTML: a name with markup in it stays text', () => {
    const message = reminderHtml({
      ...facts,
      reminder: { ...facts.reminder, level: 1, final: false, daysOverdue: 1 },
    });
    expect(message).toContain('<title>Reminder 1: invoice INV-2026-00007 is 1 day overdue</title>');
    expect(message).toContain('<p>Dear O&#39;Brien &amp; &lt;Sons&gt; &quot;Builders&quot;,</p>');
    expect(message).toContain(
      '<tr><th scope="row" style="text-align:left">Open</th><td style="text-align:right">USD 80,000.50</td></tr>',
    );
    expect(message).not.toContain('<Sons>');
    expect(message).not.toContain('final reminder');
  });
});
