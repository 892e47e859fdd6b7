import { InMemoryEventStore } from '@billing/shared/event-store';
import { expectOk, issuedSmallApplication } from '@billing/shared/testing';
import { startTestApp } from './testing/test-app';

/**
 * Issue 5 item 6: the reminder run reads what it needs. A run that has nothing to send (the same
 * date again, or a later one with every level sent) asks no account: its cost does not grow with
 * the accounts that stay overdue.
 */
describe('the reminder run', () => {
  it('asks only the accounts with a level due that they were not sent', async () => {
    const eventStore = new InMemoryEventStore();
    const accountReads: string[] = [];
    const readStream = eventStore.readStream.bind(eventStore);
    eventStore.readStream = (streamId, options) => {
      if (streamId.startsWith('account-')) accountReads.push(streamId);
      return readStream(streamId, options);
    };
    const test = await startTestApp({ eventStore });
    try {
      // Due on 5 March, never paid.
      await issuedSmallApplication(test.client);
      await test.settle();
      const run = async (runDate: string) => {
        accountReads.length = 0;
        const { sent } = await expectOk<{ sent: { levelDays: number }[] }>(
          test.client.post('/reminders/run', { runDate }),
          runDate,
        );
        await test.settle();
        return [runDate, sent.map((reminder) => reminder.levelDays), accountReads.length > 0];
      };
      expect(await run('2026-03-26')).toEqual(['2026-03-26', [15], true]);
      // The same date again, and one with no new level due: the account is not asked.
      expect(await run('2026-03-26')).toEqual(['2026-03-26', [], false]);
      expect(await run('2026-03-30')).toEqual(['2026-03-30', [], false]);
      // A new level due: it is.
      expect(await run('2026-06-30')).toEqual(['2026-06-30', [30], true]);
      expect(await run('2026-12-31')).toEqual(['2026-12-31', [], false]);
    } finally {
      await test.close();
    }
  }, 60_000);
});
