// The schemas are checked with the event store's own validator, so what passes here is what append
// accepts.
import { EventSchemas } from '@billing/shared/testing';
import { fold } from '@billing/shared/kernel';
import {
  accountDecider,
  accountEventSchemas,
  accountEventUpcasters,
  type AccountCommand,
  type AccountEvent,
} from './index';

const EVERY_TYPE: Record<AccountEvent['type'], true> = {
  InvoiceOpened: true,
  InvoiceCancelled: true,
  CreditNoteRecorded: true,
  PaymentReceived: true,
  PaymentReversed: true,
  CreditApplied: true,
  InvoiceWrittenOff: true,
  ReminderSent: true,
};

const schemas = new EventSchemas().register(accountEventSchemas);
const customerId = '7d7f3b6e-3c1a-4f7e-9a59-2b8f0c1d2e3f';
const id = (n: number) => `5b0f7a52-3f0e-4c53-9b1e-${String(n).padStart(12, '0')}`;
const open = (
  invoiceId: string,
  number: string,
  dueDate: string,
  total: number,
  kind = 'progress',
): AccountCommand => ({
  type: 'OpenInvoice',
  customerId,
  customerName: 'Owner',
  invoiceId,
  number,
  contractId: id(1),
  kind,
  currency: 'USD',
  issueDate: '2026-01-01',
  dueDate,
  total,
  retainageHeld: 25_000,
});
const pay = (paymentId: string, amount: number, invoiceIds: string[] = []): AccountCommand => ({
  type: 'RecordPayment',
  paymentId,
  amount,
  currency: 'USD',
  receivedOn: '2026-03-01',
  method: 'check',
  reference: 'CHK 1042',
  invoiceIds,
});

/** The events an account's life writes, each decided from the state the ones before it make. */
function history(...commands: AccountCommand[]): AccountEvent[] {
  return commands.reduce<AccountEvent[]>(
    (events, command) => [
      ...events,
      ...accountDecider.decide(command, fold(accountDecider, events)),
    ],
    [],
  );
}

const life = history(
  open(id(10), 'INV-2026-00001', '2026-02-01', 1_000),
  open(id(11), 'INV-2026-00002', '2026-02-15', 2_000),
  open(id(12), 'INV-2026-00003', '2026-07-15', 500, 'retainage-release'),
  pay(id(20), 1_200, [id(10)]),
  {
    type: 'RecordCreditNote',
    creditNoteId: id(30),
    invoiceId: id(10),
    number: 'CN-2026-00001',
    issueDate: '2026-03-02',
    total: 300,
  },
  {
    type: 'ApplyCredit',
    applicationId: id(40),
    invoiceId: id(11),
    amount: 300,
    appliedOn: '2026-03-03',
  },
  {
    type: 'WriteOff',
    invoiceId: id(11),
    amount: 100,
    writtenOffOn: '2026-03-04',
    reason: 'small balance',
  },
  { type: 'SendReminders', runDate: '2026-03-20', levels: [1, 15, 30] },
  { type: 'ReversePayment', paymentId: id(20), reversedOn: '2026-03-21', reason: 'bounced' },
  { type: 'CancelInvoice', invoiceId: id(12), voidedOn: '2026-07-20', retainageHeld: 0 },
);

describe('account event schemas', () => {
  it('has one schema for every event type, and no other', () => {
    expect(Object.keys(accountEventSchemas).sort()).toEqual(Object.keys(EVERY_TYPE).sort());
  });

  it('accepts every event an account life decides', () => {
    expect(life.map((event) => event.type)).toEqual(
      expect.arrayContaining(Object.keys(EVERY_TYPE)),
    );
    expect(
      life
        .map((event) => ({ type: event.type, errors: schemas.errors(event.type, event.data) }))
        .filter((event) => event.errors.length > 0),
    ).toEqual([]);
  });

  it('refuses a payment without its allocations, or with a negative balance', () => {
    const received = life.find((event) => event.type === 'PaymentReceived')!;
    const { allocations: _, ...withoutAllocations } = received.data as Record<string, unknown>;
    expect(schemas.errors('PaymentReceived', withoutAllocations)).toEqual([
      'allocations: is required',
    ]);
    const balances = [{ invoiceId: id(10), contractId: id(1), paid: 1_000, open: -1 }];
    expect(schemas.errors('PaymentReceived', { ...received.data, balances })).toEqual([
      'balances.0.open: must be >= 0',
    ]);
  });
});

describe('ReminderSent recorded before the rank was kept (schema v1)', () => {
  const registry = new EventSchemas().register(accountEventSchemas, accountEventUpcasters);
  const v1 = (level: number, rank?: number) => ({
    id: id(99),
    type: 'ReminderSent',
    data: {
      customerId,
      invoiceId: id(1),
      number: 'INV-2026-00001',
      level,
      ...(rank ? { rank } : {}),
      final: false,
      runDate: '2026-03-01',
      daysOverdue: 20,
      open: 100,
    },
    metadata: {
      tenantId: 't',
      correlationId: 'c',
      causationId: 'x',
      actor: 'a',
      occurredAt: '2026-03-01T00:00:00.000Z',
      schemaVersion: 1,
    },
    streamId: `account-t.${customerId}`,
    revision: 3,
    position: 9,
    recordedAt: '2026-03-01T00:00:00.000Z',
  });
  it('reads at v2 with the rank of its default level, null for a level that is not one, and a rank it had kept', () => {
    expect(registry.version('ReminderSent')).toBe(2);
    expect(registry.decode<AccountEvent>(v1(15)).data).toMatchObject({ level: 15, rank: 2 });
    expect(registry.decode<AccountEvent>(v1(7)).data).toMatchObject({ level: 7, rank: null });
    expect(registry.decode<AccountEvent>(v1(7, 3)).data).toMatchObject({ level: 7, rank: 3 });
    const { rank: _rank, ...rankless } = v1(15, 2).data;
    expect(schemas.errors('ReminderSent', rankless)).toEqual(['rank: is required']);
  });
});
