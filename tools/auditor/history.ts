import { auditEntry, history, type AuditEntry, type HistoryScope } from '@billing/shared/audit';
import { instant, integer, options, STORE_OPTIONS, type Command, type Io } from './io';
import { progress } from './progress';
import { openStore, UsageError } from './store';

export const HISTORY_USAGE = `auditor history (--stream ID | --contract ID | --correlation ID | --from T [--to T]) [--tenant T] [--limit 50] [--offset 0] [--jsonl]
  who (actor), when (recorded; decided), why (command, reason, correlation) of every event in scope, in commit order;
  --contract: its contract-, schedule- and billing- streams and the account and numbering events naming it;
  --from/--to: recorded instants, --to excluded; --jsonl: one JSON object per event (all of them unless --limit)`;

/** npm run auditor -- history …: a page of entries for people, or JSON lines for programs. */
export const historyCommand: Command = async (args, io) => {
  const { values } = options(args, {
    ...STORE_OPTIONS,
    stream: { type: 'string' },
    contract: { type: 'string' },
    correlation: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    tenant: { type: 'string' },
    limit: { type: 'string' },
    offset: { type: 'string' },
    jsonl: { type: 'boolean' },
  });
  const scope = scopeOf(values);
  const offset = integer(values.offset, 'offset', 0);
  const limit = integer(values.limit, 'limit', values.jsonl ? Infinity : 50, 1);
  const { store, source } = openStore(values);
  const bar = progress('reading', io.tty);
  const page: AuditEntry[] = [];
  let total = 0;
  try {
    for await (const event of history(store, scope, {
      tenantId: values.tenant,
      onProgress: bar.update,
    })) {
      if (total >= offset && total < offset + limit) {
        if (values.jsonl) io.out(JSON.stringify(auditEntry(event)));
        else page.push(auditEntry(event));
      }
      total++;
    }
  } finally {
    bar.stop();
    await store.close();
  }
  page.forEach((entry, index) => show(io, offset + index + 1, entry));
  const shown = Math.max(0, Math.min(total, offset + limit) - offset);
  const summary = `${describe(scope)} in ${source}: ${total} event(s)${shown < total ? `, ${offset + 1}-${offset + shown} shown${offset + shown < total ? `; next page: --offset ${offset + shown}` : ''}` : ''}`;
  (values.jsonl ? io.err : io.out)(summary);
  return 0;
};

function scopeOf(values: {
  stream?: string;
  contract?: string;
  correlation?: string;
  from?: string;
  to?: string;
}): HistoryScope {
  const given = [
    values.stream,
    values.contract,
    values.correlation,
    values.from ?? values.to,
  ].filter((value) => value !== undefined);
  if (given.length !== 1) throw new UsageError(`name one scope\n${HISTORY_USAGE}`);
  if (values.stream) return { kind: 'stream', streamId: values.stream };
  if (values.contract) return { kind: 'contract', contractId: values.contract };
  if (values.correlation) return { kind: 'correlation', correlationId: values.correlation };
  return { kind: 'range', from: instant(values.from, 'from'), to: instant(values.to, 'to') };
}

function describe(scope: HistoryScope): string {
  if (scope.kind === 'stream') return `stream ${scope.streamId}`;
  if (scope.kind === 'contract') return `contract ${scope.contractId}`;
  if (scope.kind === 'correlation') return `correlation ${scope.correlationId}`;
  return `recorded from ${scope.from?.toISOString() ?? 'the start'} to ${scope.to?.toISOString() ?? 'now'}`;
}

function show(io: Io, n: number, entry: AuditEntry): void {
  const why =
    [entry.command, entry.reason && `"${entry.reason}"`].filter(Boolean).join(': ') ||
    '(no command recorded)';
  io.out(
    `${String(n).padStart(5)}  ${entry.recordedAt}  ${entry.type}  ${entry.streamId}@${entry.revision}`,
  );
  io.out(
    `       who ${entry.actor}  why ${why}  correlation ${entry.correlationId}  decided ${entry.occurredAt}${entry.hash ? '' : '  (no hash)'}`,
  );
}
