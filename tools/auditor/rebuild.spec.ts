import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareReadModels, rebuildInto, switchTo } from '@billing/shared/read-models';
import { runningOn, SqliteEventStore, SqliteReadModels } from '@billing/shared/sqlite';
import { runScenario } from '@billing/shared/testing';
import { startTestApp } from '../../apps/standalone/src/testing/test-app';
import { auditor } from './main';
import { ALL_PROJECTIONS } from './projections';

describe('npm run auditor -- rebuild (npm run rebuild)', () => {
  it('rebuilds every projection from zero into a side copy equal to the live read models, finds a changed document, and switches', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'billing-rebuild-'));
    const store = new SqliteEventStore(join(dir, 'events.sqlite'));
    const live = new SqliteReadModels(join(dir, 'read-models.sqlite'));
    const app = await startTestApp({ eventStore: store, readModels: live });
    const result = await runScenario(app.client);
    await app.settle();
    await app.close();

    const out: string[] = [];
    const io = {
      out: (line: string) => void out.push(line),
      err: (line: string) => void out.push(line),
    };
    expect(await auditor(['rebuild', dir, '--projection', 'contract-summary'], io)).toBe(0);
    expect(out).toContain('the rebuilt read models equal the live ones');
    expect(await auditor(['rebuild', dir, '--projection', 'no-such'], io)).toBe(2);

    const side = new SqliteReadModels(join(dir, 'read-models.rebuild.sqlite'));
    const head = await rebuildInto(store, side, ALL_PROJECTIONS);
    const clean = await compareReadModels(live, side, ALL_PROJECTIONS, head);
    expect(clean.differences).toEqual([]);
    expect(clean.collections).toEqual(
      expect.arrayContaining([
        'accounts_v5',
        'contract_summary_v1',
        'invoices_v2',
        'receivable_items_v2',
        'schedules_v3',
      ]),
    );
    expect(clean.documents).toBeGreaterThan(100);

    const summary = (await live.get<{ billedNet: number }>(
      'contract_summary_v1',
      result.contractId,
    ))!;
    await live.apply('contract_summary_v1', result.contractId, summary._position + 1, () => ({
      ...summary,
      billedNet: summary.billedNet + 1,
    }));
    const tampered = await compareReadModels(live, side, ALL_PROJECTIONS, head);
    expect(tampered.differences).toEqual([
      expect.objectContaining({ collection: 'contract_summary_v1', id: result.contractId }),
    ]);

    await switchTo(live, side, ALL_PROJECTIONS);
    expect((await compareReadModels(live, side, ALL_PROJECTIONS, head)).differences).toEqual([]);
    await Promise.all([store.close(), live.close(), side.close()]);
  }, 60_000);

  it('refuses --switch while the app runs on the folder, and says which process; compares beside it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'billing-rebuild-running-'));
    const store = new SqliteEventStore(join(dir, 'events.sqlite'));
    const live = new SqliteReadModels(join(dir, 'read-models.sqlite'));
    const app = await startTestApp({ eventStore: store, readModels: live });
    await runScenario(app.client);
    await app.settle();
    await app.close();
    await Promise.all([store.close(), live.close()]);

    const out: string[] = [];
    const io = {
      out: (line: string) => void out.push(line),
      err: (line: string) => void out.push(line),
    };
    // A process that ran on it and was killed outright left its marker: it is gone, so ignored.
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(join(dir, `app-${gone}.pid`), `${gone}\n`);
    // This process stands for the app (the app marks its folder as it opens its store).
    writeFileSync(join(dir, `app-${process.pid}.pid`), `${process.pid}\n`);
    expect(runningOn(dir)).toEqual([process.pid]);
    const args = ['rebuild', dir, '--projection', 'contract-summary'];
    expect(await auditor([...args, '--switch'], io)).toBe(2);
    expect(out.at(-1)).toBe(
      `the app is running on ${dir} (process ${process.pid}): stop it before --switch (a rebuild without --switch only compares, and may run beside it)`,
    );
    expect(await auditor(args, io)).toBe(0);
    rmSync(join(dir, `app-${process.pid}.pid`));
    expect(await auditor([...args, '--switch'], io)).toBe(0);
    expect(out.at(-1)).toBe('the live read models are now the rebuilt ones');
  }, 60_000);
});
