import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readModelConformance } from '@billing/shared/testing';
import { SqliteReadModels } from './sqlite.read-models';

const freshFile = () => join(mkdtempSync(join(tmpdir(), 'billing-read-models-')), 'read-models.db');

readModelConformance('sqlite', async () => new SqliteReadModels(freshFile()));

describe('SqliteReadModels', () => {
  it('keeps documents and indexes across a reopen of the same file', async () => {
    const file = freshFile();
    const first = new SqliteReadModels(file);
    await first.ensureIndex('invoices', { dueDate: 1 });
    await first.apply('invoices', 'i1', 7, () => ({
      dueDate: '2026-02-01',
      customer: { id: 'c1' },
    }));
    await first.close();
    const second = new SqliteReadModels(file);
    expect(await second.get('invoices', 'i1')).toEqual({
      _id: 'i1',
      _position: 7,
      dueDate: '2026-02-01',
      customer: { id: 'c1' },
    });
    expect((await second.explain('invoices', { dueDate: '2026-02-01' })).join('\n')).toMatch(
      /USING INDEX/,
    );
    expect(await second.apply('invoices', 'i1', 7, () => ({}))).toBe(false);
    await second.close();
  });

  it('reads a tenant query sorted on an indexed field through the index, in index order', async () => {
    const store = new SqliteReadModels(freshFile());
    await store.ensureIndex('invoices', { _tenant: 1, dueDate: 1 });
    await store.ensureIndex('invoices', { _tenant: 1, dueDate: 1 });
    for (const [id, tenant, dueDate] of [
      ['i1', 't', '2026-03-15'],
      ['i2', 't', '2026-02-01'],
      ['i3', 'u', '2026-01-01'],
      ['i4', 't', '2026-01-20'],
    ]) {
      await store.apply('invoices', id, 1, () => ({ _tenant: tenant, dueDate }));
    }
    const query = { _tenant: 't', dueDate: { $lt: '2026-03-01' } };
    const plan = (await store.explain('invoices', query, { sort: { dueDate: 1 } })).join('\n');
    expect(plan).toMatch(/SEARCH .* USING INDEX/);
    expect(plan).not.toMatch(/\bSCAN\b/);
    expect(plan).not.toMatch(/TEMP B-TREE/);
    expect(
      (await store.find('invoices', query, { sort: { dueDate: 1 } })).map((doc) => doc._id),
    ).toEqual(['i4', 'i2']);
    await store.close();
  });

  it('explains a read of a collection not written yet as reading nothing, as find answers it', async () => {
    const store = new SqliteReadModels(freshFile());
    expect(await store.find('parked_events', {})).toEqual([]);
    expect(await store.explain('parked_events', {})).toEqual([
      'no table for parked_events: nothing read',
    ]);
    await store.close();
  });

  it('re-creates declared indexes when a dropped collection is written again', async () => {
    const store = new SqliteReadModels(freshFile());
    await store.ensureIndex('invoices', { 'customer.id': 1 });
    await store.drop('invoices');
    await store.apply('invoices', 'i1', 1, () => ({ customer: { id: 'c1' } }));
    expect((await store.explain('invoices', { 'customer.id': 'c1' })).join('\n')).toMatch(
      /USING INDEX/,
    );
    await store.close();
  });

  it('refuses collection names and index fields it cannot put in SQL as they are', async () => {
    const store = new SqliteReadModels(freshFile());
    await expect(store.find('invoices"; DROP TABLE x; --')).rejects.toThrow(
      /Invalid read-model collection name/,
    );
    await expect(store.apply('in-voices', 'i1', 1, () => ({}))).rejects.toThrow(
      /Invalid read-model collection name/,
    );
    await expect(store.ensureIndex('invoices', { "a') --": 1 })).rejects.toThrow(/Cannot index/);
    await store.close();
  });

  it('lets two processes race applies on one document without losing or repeating one', async () => {
    const file = freshFile();
    await new SqliteReadModels(file).close();
    const [a, b] = [racer(file), racer(file)];
    await Promise.all([a.ready, b.ready]);
    const at = Date.now() + 100;
    a.go(at);
    b.go(at);
    const [appliedByA, appliedByB] = await Promise.all([a.applied, b.applied]);
    const store = new SqliteReadModels(file);
    const doc = await store.get<{ applied: number[] }>('race', 'doc');
    expect(doc?._position).toBe(200);
    expect(doc?.applied).toEqual(Array.from({ length: 200 }, (_, index) => index + 1));
    // Every position applied exactly once, by one process or the other (which one depends on
    // scheduling).
    expect(appliedByA + appliedByB).toBe(200);
    await store.close();
  }, 60_000);
});

/**
 * Another process that, from the time it is given, applies positions 1..200 to one document
 * (holding the lock a while, pausing between applies) and reports how many applied.
 */
function racer(file: string) {
  const script = `
    const { SqliteReadModels } = require(${JSON.stringify(resolve(__dirname, 'sqlite.read-models.ts'))});
    const store = new SqliteReadModels(${JSON.stringify(file)});
    const busy = (ms) => { const until = performance.now() + ms; while (performance.now() < until); };
    process.stdin.once('data', async (go) => {
      busy(Number(String(go)) - Date.now());
      let applied = 0;
      for (let position = 1; position <= 200; position++) {
        const update = (current) => (busy(0.1), { applied: [...(current?.applied ?? []), position] });
        if (await store.apply('race', 'doc', position, update)) applied++;
        await new Promise((resume) => setTimeout(resume, 0));
      }
      await store.close();
      process.stdout.write('applied ' + applied + '\\n');
      process.exit(0);
    });
    process.stdout.write('ready\\n');`;
  const child = spawn(
    process.execPath,
    ['-r', resolve(__dirname, '../../../../tools/register.js'), '-e', script],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  let output = '';
  const seen = (pattern: RegExp) =>
    new Promise<RegExpMatchArray>((done, fail) => {
      const check = () => {
        const match = output.match(pattern);
        if (match) done(match);
      };
      child.stdout.on('data', (chunk: Buffer) => ((output += chunk.toString()), check()));
      child.on('close', (code) => fail(new Error(`racer exited with ${code}: ${output}`)));
    });
  return {
    ready: seen(/ready/),
    applied: seen(/applied (\d+)/).then((match) => Number(match[1])),
    go: (at: number) => child.stdin.write(`${at}\n`),
  };
}
