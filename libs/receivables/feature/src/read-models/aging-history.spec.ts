import {
  accountDecider,
  accountEventSchemas,
  accountEventUpcasters,
  accountBusinessDate,
  accountStream,
  unappliedCredit,
  type Account,
  type AccountCommand,
  type AccountEvent,
} from '@billing/receivables/domain';
import { EventSchemas, type RecordedEvent } from '@billing/shared/event-store';
import { fold } from '@billing/shared/kernel';
import {
  forTenant,
  InMemoryReadModels,
  stampedWith,
  type ReadModelStore,
} from '@billing/shared/read-models';
import type { Response } from 'express';
import fc from 'fast-check';
import { creditChange } from './account-book';
import { agingByCustomer, statement, totalsByCurrency } from './account-reports';
import {
  ACCOUNTS,
  accountKey,
  accountsProjection,
  ENTRIES,
  ITEMS,
  RETAINAGE,
  type AccountView,
  type EntryView,
  type ReceivableItem,
  type RetainageView,
} from './accounts.projection';
import {
  moved,
  openLadder,
  retainageLadder,
  spansOf,
  STILL_OPEN,
  valueOn,
  type Ladder,
} from './aging-history';
import { agingFor, openDues } from './aging.query';
import { statementFor } from './statement.query';

const TENANT = 'tenant-a';
const schemas = new EventSchemas().register(accountEventSchemas, accountEventUpcasters);
const CUSTOMERS = [
  { customerId: 'cust-1', customerName: 'Beta Builders', currency: 'USD' },
  { customerId: 'cust-2', customerName: 'Alpha Homes', currency: 'EUR' },
  { customerId: 'cust-3', customerName: 'Alpha Homes', currency: 'USD' },
];
/** A UUID per kind of thing and number, as the event schemas want them. */
const uuid = (kind: number, n: number) =>
  `${kind.toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
const day = (n: number) => new Date(Date.UTC(2026, 0, 1 + n)).toISOString().slice(0, 10);

describe('ladders', () => {
  const ladder: Ladder = [
    ['2026-01-05', 100],
    ['2026-01-10', 40],
    ['2026-01-20', 0],
  ];

  it('hold each value from its date until the next one, zero before the first', () => {
    expect(
      [
        day(0),
        '2026-01-05',
        '2026-01-09',
        '2026-01-10',
        '2026-01-19',
        '2026-01-20',
        '2027-01-01',
      ].map((date) => valueOn(ladder, date)),
    ).toEqual([0, 100, 100, 40, 40, 0, 0]);
    expect(spansOf(ladder)).toEqual([['2026-01-05', '2026-01-20']]);
    expect(spansOf([...ladder, ['2026-02-01', 5]])).toEqual([
      ['2026-01-05', '2026-01-20'],
      ['2026-02-01', STILL_OPEN],
    ]);
  });

  it('move by what one part of a sum changed, and merge dates that hold the same value', () => {
    const part: Ladder = [['2026-01-10', 40]];
    expect(moved(ladder, part, [['2026-01-12', 40]])).toEqual([
      ['2026-01-05', 100],
      ['2026-01-10', 0],
      ['2026-01-12', 40],
      ['2026-01-20', 0],
    ]);
    expect(moved([['2026-01-05', 100]], [], [['2026-01-05', -100]])).toEqual([]);
  });

  it('count an invoice from its issue date and never below zero, and retainage by the last document dated on or before', () => {
    const invoice = {
      issueDate: '2026-01-10',
      effects: [
        { date: '2026-01-10', amount: 100 },
        { date: '2026-01-15', amount: -150 },
        { date: '2026-01-08', amount: -20 },
      ],
    };
    expect(openLadder(invoice)).toEqual([
      ['2026-01-10', 80],
      ['2026-01-15', 0],
    ]);
    const history = [
      { date: '2026-01-10', amount: 50 },
      { date: '2026-03-01', amount: 0 },
      { date: '2026-02-01', amount: 70 },
    ];
    expect(retainageLadder(history)).toEqual([
      ['2026-01-10', 50],
      ['2026-02-01', 70],
    ]);
  });
});

/**
 * A command for one of CUSTOMERS, drawn from what can be done to an account: dates at random, so
 * many are backdated.
 */
const command = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('open' as const),
      customer: fc.nat(2),
      issue: fc.nat(90),
      terms: fc.constantFrom(0, 15, 30),
      total: fc.integer({ min: 1, max: 100_000 }),
      retainage: fc.nat(5_000),
      contract: fc.nat(1),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('pay' as const),
      customer: fc.nat(2),
      on: fc.nat(120),
      amount: fc.integer({ min: 1, max: 120_000 }),
      invoice: fc.nat(30),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('credit' as const),
      customer: fc.nat(2),
      on: fc.nat(120),
      total: fc.integer({ min: 1, max: 50_000 }),
      invoice: fc.nat(30),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('write-off' as const),
      customer: fc.nat(2),
      on: fc.nat(120),
      invoice: fc.nat(30),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('cancel' as const),
      customer: fc.nat(2),
      on: fc.nat(120),
      invoice: fc.nat(30),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('apply' as const),
      customer: fc.nat(2),
      on: fc.nat(120),
      invoice: fc.nat(30),
      amount: fc.option(fc.integer({ min: 1, max: 50_000 }), { nil: undefined }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('reverse' as const),
      customer: fc.nat(2),
      on: fc.nat(120),
      payment: fc.nat(30),
    }),
  },
);
type Drawn = typeof command extends fc.Arbitrary<infer T> ? T : never;

/**
 * The account events the drawn commands give, one stream per customer, in the order drawn (commands
 * the account refuses give none).
 */
function eventsOf(drawn: Drawn[]): RecordedEvent[] {
  const events = new Map<string, AccountEvent[]>();
  const recorded: RecordedEvent[] = [];
  drawn.forEach((draw, index) => {
    const customer = CUSTOMERS[draw.customer];
    const own = events.get(customer.customerId) ?? [];
    const invoiceId = uuid(1, 'invoice' in draw ? draw.invoice : index);
    const commandOf = (): AccountCommand => {
      switch (draw.kind) {
        case 'open':
          return {
            type: 'OpenInvoice',
            ...customer,
            invoiceId,
            number: `INV-${index}`,
            contractId: uuid(2 + draw.customer, draw.contract),
            kind: 'progress',
            issueDate: day(draw.issue),
            dueDate: day(draw.issue + draw.terms),
            total: draw.total,
            retainageHeld: draw.retainage,
          };
        case 'pay':
          return {
            type: 'RecordPayment',
            paymentId: uuid(5, index),
            amount: draw.amount,
            receivedOn: day(draw.on),
            method: 'wire',
            reference: `W${index}`,
            invoiceIds: draw.invoice % 2 === 0 ? [invoiceId] : [],
          };
        case 'credit':
          return {
            type: 'RecordCreditNote',
            creditNoteId: uuid(6, index),
            invoiceId,
            number: `CN-${index}`,
            issueDate: day(draw.on),
            total: draw.total,
          };
        case 'write-off':
          return { type: 'WriteOff', invoiceId, writtenOffOn: day(draw.on), reason: 'bad debt' };
        case 'cancel':
          return { type: 'CancelInvoice', invoiceId, voidedOn: day(draw.on), retainageHeld: 0 };
        case 'apply':
          return {
            type: 'ApplyCredit',
            applicationId: uuid(7, index),
            invoiceId,
            appliedOn: day(draw.on),
            ...(draw.amount === undefined ? {} : { amount: draw.amount }),
          };
        case 'reverse':
          return {
            type: 'ReversePayment',
            paymentId: uuid(5, draw.payment),
            reversedOn: day(draw.on),
            reason: 'returned',
          };
      }
    };
    let decided: readonly AccountEvent[];
    try {
      decided = accountDecider.decide(commandOf(), fold(accountDecider, own));
    } catch {
      return; // refused by the account's rules: nothing recorded
    }
    for (const event of decided) {
      recorded.push({
        id: `e-${recorded.length}`,
        type: event.type,
        data: event.data,
        metadata: {
          tenantId: TENANT,
          correlationId: 'c',
          causationId: 'c',
          actor: 'test',
          occurredAt: '2026-06-01T00:00:00.000Z',
          schemaVersion: schemas.version(event.type),
        },
        streamId: accountStream(TENANT, customer.customerId),
        revision: own.length,
        position: recorded.length + 1,
        recordedAt: '2026-06-01T00:00:00.000Z',
      });
      own.push(event);
    }
    events.set(customer.customerId, own);
  });
  return recorded;
}

async function project(store: ReadModelStore, events: readonly RecordedEvent[]): Promise<void> {
  for (const event of events)
    await accountsProjection.handle(event, stampedWith(store, event.metadata.tenantId));
}

/**
 * The read models after a batch cut short at the `cut`-th event: its events were handled, and a
 * crash let the `lost` collections go unwritten (Mongo writes one collection after the other) while
 * the others were written; the events from the checkpoint on come again.
 */
async function projectedThroughACrash(
  events: readonly RecordedEvent[],
  cut: number,
  lost: readonly string[],
): Promise<ReadModelStore> {
  const from = events[cut % Math.max(1, events.length)]?.position ?? 0;
  const [all, checkpointed] = [new InMemoryReadModels(), new InMemoryReadModels()];
  await project(all, events);
  await project(
    checkpointed,
    events.filter((event) => event.position < from),
  );
  const store = await mixed(accountsProjection.collections, (collection) =>
    lost.includes(collection) ? checkpointed : all,
  );
  await project(
    store,
    events.filter((event) => event.position >= from),
  );
  return store;
}

/** A store holding each collection as `sourceOf` it holds it. */
async function mixed(
  collections: readonly string[],
  sourceOf: (collection: string) => ReadModelStore,
): Promise<ReadModelStore> {
  const store = new InMemoryReadModels();
  for (const collection of collections)
    for (const { _id, _position, ...content } of await sourceOf(collection).find<object>(
      collection,
    ))
      await store.apply(collection, _id, _position, () => content);
  return store;
}

function response(): Response & { headers: Record<string, string> } {
  const headers: Record<string, string> = {};
  return {
    headers,
    req: { originalUrl: '/aging' },
    setHeader: (name: string, value: string) => (headers[name] = value),
  } as unknown as Response & { headers: Record<string, string> };
}

/**
 * The aging of a date from every invoice and contract, as agingAsOf defines it, and each customer's
 * credit: the unapplied credit of its events dated on or before it, and what its invoices were paid
 * beyond their totals on it. What the ladders must give.
 */
async function reference(
  store: ReadModelStore,
  events: readonly RecordedEvent[],
  date: string,
  currency?: string,
) {
  const tenant = forTenant(store, TENANT);
  const items = await tenant.find<ReceivableItem>(ITEMS);
  const selected = CUSTOMERS.filter((customer) => !currency || customer.currency === currency);
  const creditOn = (customerId: string) =>
    events
      .filter((event) => event.streamId === accountStream(TENANT, customerId))
      .map((event) => event as unknown as AccountEvent)
      .filter((event) => accountBusinessDate(event) <= date)
      .reduce((total, event) => total + creditChange(event), 0) +
    items
      .filter((item) => item.customerId === customerId && item.issueDate <= date)
      .map((item) =>
        item.effects.filter((effect) => effect.date <= date).reduce((sum, e) => sum + e.amount, 0),
      )
      .reduce((total, balance) => total + Math.max(0, -balance), 0);
  const credits = new Map<string, Ladder>(
    selected.map(({ customerId }) => [customerId, [[date, creditOn(customerId)]]]),
  );
  const customers = agingByCustomer(
    items,
    await tenant.find<RetainageView>(RETAINAGE),
    credits,
    date,
  ).filter((customer) => !currency || customer.currency === currency);
  const credit = selected.map(({ customerId, currency: of }) => ({
    currency: of,
    amount: creditOn(customerId),
  }));
  return { customers, currencies: totalsByCurrency(customers, credit) };
}

/** An account history, where a batch is cut short, and the collections the crash lost. */
const histories = [
  fc.array(command, { minLength: 1, maxLength: 40 }),
  fc.nat(),
  fc.subarray(accountsProjection.collections as string[]),
] as const;

describe('the aging of any date from the ladders', () => {
  it('equals the aging computed from every invoice and contract, whatever the order and dates of the events, and after a redelivery', async () => {
    await fc.assert(
      fc.asyncProperty(...histories, async (drawn, cut, lost) => {
        const events = eventsOf(drawn);
        const store = await projectedThroughACrash(events, cut, lost);
        const tenant = forTenant(store, TENANT);
        // Every date on: the credit ladder ends at the account's unapplied credit.
        for (const { customerId } of CUSTOMERS) {
          const own = events
            .filter((event) => event.streamId === accountStream(TENANT, customerId))
            .map((event) => event as unknown as AccountEvent);
          const account = await store.get<AccountView>(ACCOUNTS, accountKey(TENANT, customerId));
          // Never below zero on any date: the account's rules date nothing so that it would be.
          expect((account?.credit ?? []).filter(([, credit]) => credit < 0)).toEqual([]);
          expect(valueOn(account?.credit ?? [], '9999-12-30')).toBe(
            own.length ? unappliedCredit(fold(accountDecider, own) as Account) : 0,
          );
        }
        const totals = new Map(
          events.flatMap(({ type, data }) =>
            type === 'InvoiceOpened'
              ? [[(data as { invoiceId: string }).invoiceId, (data as { total: number }).total]]
              : [],
          ),
        );
        for (const date of [
          day(0),
          day(14),
          day(31),
          day(45),
          day(60),
          day(75),
          day(95),
          day(130),
        ]) {
          for (const currency of [undefined, 'USD']) {
            const answer = response();
            const aging = await agingFor(
              tenant,
              date,
              { currency },
              { limit: 100, offset: 0 },
              answer,
            );
            const expected = await reference(store, events, date, currency);
            expect({
              date,
              currency,
              customers: aging.customers,
              currencies: aging.currencies,
            }).toEqual({ date, currency, ...expected });
            expect(answer.headers['X-Total-Count']).toBe(String(expected.customers.length));
            // Whatever the order of the entries' dates, an invoice is never more open than its total.
            for (const invoice of aging.customers.flatMap((customer) => customer.invoices))
              expect(invoice.open).toBeLessThanOrEqual(totals.get(invoice.invoiceId)!);
            const dues = expected.customers.flatMap((customer) =>
              customer.invoices.map(({ dueDate, open }) => ({
                currency: customer.currency,
                dueDate,
                open,
              })),
            );
            expect(sumByDue(await openDues(tenant, date, { currency }))).toEqual(sumByDue(dues));
          }
        }
      }),
      { numRuns: 100 },
    );
  });

  it('ends, after a batch cut short and redelivered, with every document as a run without the crash gives it (npm run rebuild compares them, positions included)', async () => {
    await fc.assert(
      fc.asyncProperty(...histories, async (drawn, cut, lost) => {
        const events = eventsOf(drawn);
        const [crashed, clean] = [
          await projectedThroughACrash(events, cut, lost),
          new InMemoryReadModels(),
        ];
        await project(clean, events);
        for (const collection of accountsProjection.collections)
          expect({
            collection,
            documents: await crashed.find(collection, {}, { sort: { _id: 1 } }),
          }).toEqual({
            collection,
            documents: await clean.find(collection, {}, { sort: { _id: 1 } }),
          });
      }),
      { numRuns: 200 },
    );
  });

  it('pages the customers of a date by name, the count of all of them in X-Total-Count', async () => {
    const drawn: Drawn[] = CUSTOMERS.map((_, customer) => ({
      kind: 'open',
      customer,
      issue: 1,
      terms: 30,
      total: 1_000,
      retainage: 0,
      contract: 0,
    }));
    const store = new InMemoryReadModels();
    await project(store, eventsOf(drawn));
    const tenant = forTenant(store, TENANT);
    const pages = [];
    for (const offset of [0, 1, 2]) {
      const answer = response();
      pages.push({
        ids: (await agingFor(tenant, day(5), {}, { limit: 1, offset }, answer)).customers.map(
          (customer) => customer.customerId,
        ),
        total: answer.headers['X-Total-Count'],
      });
    }
    expect(pages).toEqual([
      { ids: ['cust-2'], total: '3' },
      { ids: ['cust-3'], total: '3' },
      { ids: ['cust-1'], total: '3' },
    ]);
    expect(
      (await agingFor(tenant, day(0), {}, { limit: 10, offset: 0 }, response())).customers,
    ).toEqual([]);
  });
});

describe("a customer's statement of any period", () => {
  it('equals the one from every earlier entry, whatever the order and dates of the events, and after a redelivery', async () => {
    await fc.assert(
      fc.asyncProperty(...histories, async (drawn, cut, lost) => {
        const store = await projectedThroughACrash(eventsOf(drawn), cut, lost);
        const tenant = forTenant(store, TENANT);
        for (const customer of CUSTOMERS) {
          const account = await tenant.get<AccountView>(
            ACCOUNTS,
            accountKey(TENANT, customer.customerId),
          );
          if (!account) continue;
          const entries = await tenant.find<EntryView>(
            ENTRIES,
            { customerId: customer.customerId },
            { sort: { date: 1, position: 1 } },
          );
          for (const [first, last] of [
            [day(0), day(130)],
            [day(31), day(58)],
            [day(45), day(75)],
            [day(95), day(95)],
          ]) {
            const opening = entries
              .filter((entry) => entry.date < first)
              .reduce((total, entry) => total + entry.amount, 0);
            const expected = statement(
              account,
              opening,
              entries.filter((entry) => entry.date >= first && entry.date <= last),
              first,
              last,
            );
            expect(await statementFor(store, TENANT, customer.customerId, first, last)).toEqual(
              expected,
            );
          }
        }
      }),
      { numRuns: 100 },
    );
  });

  it('reads the months before the period by their totals, not every earlier entry', async () => {
    // Two years of a customer's payments, three a week: a statement of its last month.
    const drawn: Drawn[] = [
      { kind: 'open', customer: 0, issue: 0, terms: 30, total: 100_000, retainage: 0, contract: 0 },
      ...Array.from({ length: 104 }, (_, week) =>
        [0, 2, 4].map((offset) => ({
          kind: 'pay' as const,
          customer: 0,
          on: week * 7 + offset,
          amount: 10,
          invoice: 1,
        })),
      ).flat(),
    ];
    const store = new InMemoryReadModels();
    await project(store, eventsOf(drawn));
    const read: string[] = [];
    const counting = new Proxy(store, {
      get: (target, name, receiver) =>
        name === 'find'
          ? async (...args: Parameters<ReadModelStore['find']>) => {
              const found = await target.find(...args);
              read.push(...found.map(() => args[0]));
              return found;
            }
          : Reflect.get(target, name, receiver),
    });
    const [first, last] = ['2027-12-01', '2027-12-31'];
    const answer = await statementFor(counting, TENANT, CUSTOMERS[0].customerId, first, last);
    // 312 payments of 10 after the invoice of 100,000: the opening balance is the invoice less what
    // came before December 2027.
    const before = drawn.filter((draw) => draw.kind === 'pay' && day(draw.on) < first).length;
    expect(answer.openingBalance).toBe(100_000 - 10 * before);
    expect(answer.lines.length + before).toBe(312);
    // The period's entries, and one total per earlier month (23 of them): not the ~300 entries
    // before it.
    expect(read.filter((collection) => collection === ENTRIES).length).toBe(answer.lines.length);
    expect(read.length).toBeLessThan(answer.lines.length + 30);
  });
});

function sumByDue(
  dues: { currency: string; dueDate: string; open: number }[],
): Record<string, number> {
  const sums: Record<string, number> = {};
  for (const { currency, dueDate, open } of dues)
    sums[`${currency} ${dueDate}`] = (sums[`${currency} ${dueDate}`] ?? 0) + open;
  return sums;
}
