import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventStoreConformance } from '@billing/shared/testing';
import { SqliteEventStore } from './sqlite.event-store';

const dir = mkdtempSync(join(tmpdir(), 'billing-sqlite-'));
let n = 0;
eventStoreConformance('sqlite', async () => new SqliteEventStore(join(dir, `store-${n++}.db`)));

it('keeps events across a reopen of the same file', async () => {
  const file = join(dir, 'reopen.db');
  const first = new SqliteEventStore(file);
  await first.append(
    'test-a',
    [
      {
        id: '00000000-0000-4000-8000-000000000001',
        type: 'A',
        data: { amount: 1 },
        metadata: { tenantId: 't', correlationId: 'c', causationId: 'x', actor: 'a', occurredAt: 'now', schemaVersion: 1 },
      },
    ],
    'no_stream',
  );
  await first.close();
  const second = new SqliteEventStore(file);
  expect((await second.readStream('test-a')).map((e) => e.data)).toEqual([{ amount: 1 }]);
  await second.close();
});
