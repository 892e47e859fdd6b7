import { isDeepStrictEqual } from 'node:util';
import type { EventStore } from '@billing/shared/event-store';
import { AGING_DATES, expectOk, type Client } from '@billing/shared/testing';

/**
 * Everything the scenario leaves behind that a user or an auditor can see, comparable between two
 * runs.
 */
export interface FinalState {
  invoices: unknown[];
  summary: unknown;
  ledger: unknown;
  account: unknown;
  aging: Record<string, unknown>;
  statement: unknown;
  eventTypes: Record<string, number>;
}

/**
 * Reads the final state of the scenario's contract and customer over HTTP, and the types of every
 * stored event.
 */
export async function captureFinalState(
  client: Client,
  store: EventStore,
  ids: { contractId: string; customerId: string },
): Promise<FinalState> {
  const get = (path: string) => expectOk<any>(client.get(path), `GET ${path}`);
  const list: { invoiceId: string }[] = await get(`/invoices?contractId=${ids.contractId}`);
  const invoices = await Promise.all(
    list.map(async (row) => ({ row, detail: await get(`/invoices/${row.invoiceId}`) })),
  );
  const aging: Record<string, unknown> = {};
  for (const date of AGING_DATES)
    aging[date] = await get(`/accounts/${ids.customerId}/aging?asOf=${date}`);
  const state: FinalState = {
    invoices: invoices.sort((a, b) =>
      String(a.detail.number).localeCompare(String(b.detail.number)),
    ),
    summary: await get(`/contracts/${ids.contractId}`),
    ledger: await get(`/contracts/${ids.contractId}/billing`),
    account: await get(`/accounts/${ids.customerId}`),
    aging,
    statement: await get(`/accounts/${ids.customerId}/statement?from=2026-01-01&to=2026-12-31`),
    eventTypes: await eventTypes(store),
  };
  return normalised(state) as FinalState;
}

/**
 * How many events of each type the store holds, leaving out the stored HTTP answers (`idempotency-`
 * streams).
 */
async function eventTypes(store: EventStore): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const event of await store.readAll())
    if (!event.streamId.startsWith('idempotency-'))
      counts[event.type] = (counts[event.type] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Instants (when a request or a reaction happened to run) legitimately differ between runs;
 * business dates and ids do not.
 */
function normalised(value: unknown): unknown {
  if (typeof value === 'string') return INSTANT.test(value) ? '<instant>' : value;
  if (Array.isArray(value)) return value.map(normalised);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([key, field]) => [key, normalised(field)]),
    );
  return value;
}

/** The paths where two states differ, each with both values (empty when they are equal). */
export function differences(expected: unknown, actual: unknown, path = '$'): string[] {
  if (isDeepStrictEqual(expected, actual)) return [];
  if (
    expected &&
    actual &&
    typeof expected === 'object' &&
    typeof actual === 'object' &&
    Array.isArray(expected) === Array.isArray(actual)
  ) {
    const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
    return [...keys].flatMap((key) =>
      differences(
        (expected as Record<string, unknown>)[key],
        (actual as Record<string, unknown>)[key],
        `${path}.${key}`,
      ),
    );
  }
  return [`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
}
