import Database from 'better-sqlite3';
import { SqliteReadModels } from '@billing/shared/sqlite';
(async () => {
  const file = process.argv[2];
  const db = new Database(file, { readonly: true });
  console.log(db.prepare("SELECT name FROM sqlite_master WHERE name LIKE 'sqlite_stat%'").all());
  db.close();
  const rm = new SqliteReadModels(file, 'read-only');
  for (const [c, q, o] of [
    ['invoices_v2', { status: 'void', _tenant: 'default' }, { sort: { contractId: 1, applicationNo: 1, number: 1 }, limit: 10 }],
    ['invoices_v2', { 'customer.id': 'x', _tenant: 'default' }, { sort: { contractId: 1, applicationNo: 1, number: 1 }, limit: 10 }],
    ['account_retainage_v1', { heldUntil: { $gt: '2026-07-15' }, customerId: 'x', _tenant: 'default' }, {}],
  ] as const) console.log(c, await rm.explain(c, q as any, o as any));
})();
