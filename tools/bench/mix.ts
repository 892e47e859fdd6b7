import { uuidFrom } from '@billing/shared/event-store';
import {
  addDays,
  BASE_YEAR,
  contractBody,
  lastDayOf,
  type ContractPlan,
  type CustomerPlan,
} from './flows';
import type { HttpClient, HttpReply } from './http-client';
import type { Job, Outcome } from './open-loop';
import { mulberry32 } from './stats';

/**
 * The share of each request in the mix (percent). Steps that wait for a reaction fall back to
 * others when nothing is ready.
 */
export const MIX = {
  'create contract': 5,
  'activate contract': 5,
  'report progress': 15,
  'certify progress': 15,
  'issue invoice': 15,
  'record payment': 15,
  'GET contract summary': 20,
  'GET account': 5,
  'GET aging': 5,
} as const;
export type Kind = keyof typeof MIX;

type Stage = 'created' | 'active' | 'reported' | 'certified' | 'issued';
interface Slot {
  contractId: string;
  customer: CustomerPlan;
  plan: ContractPlan;
  period: number;
  readyAt: number;
  invoice?: { invoiceId: string; total: number; issueDate: string };
}

/**
 * A reaction (schedule opened, draft written, receivable opened) normally lands within
 * milliseconds; a step waits this long before relying on it.
 */
const REACTION_GRACE_MS = 1_000;
const PERIODS = 10;
const STEP: Partial<Record<Kind, Stage>> = {
  'activate contract': 'created',
  'report progress': 'active',
  'certify progress': 'reported',
  'issue invoice': 'certified',
  'record payment': 'issued',
};
const FALLBACK: Kind[] = [
  'record payment',
  'issue invoice',
  'certify progress',
  'report progress',
  'activate contract',
  'create contract',
];

/** Many customers and contracts, each moving through the billing flow one request at a time. */
export class BillingWorld {
  private readonly queues: Record<Stage, Slot[]> = {
    created: [],
    active: [],
    reported: [],
    certified: [],
    issued: [],
  };
  private readonly known: Slot[] = [];
  private readonly billed = new Set<string>();
  private created = 0;
  private random: () => number;
  /** Answers other than 2xx, by request kind and status (0: no answer). */
  private readonly failures: Record<string, number> = {};

  constructor(
    private readonly client: HttpClient,
    private readonly customers: CustomerPlan[],
    seed = 42,
  ) {
    this.random = mulberry32(seed);
  }

  /**
   * A job of a kind drawn from MIX, or the furthest-along step that is ready when the drawn one has
   * nothing ready.
   */
  next(): Job {
    const drawn = this.draw();
    for (const kind of [drawn, ...FALLBACK]) {
      const job = this.job(kind);
      if (job) return job;
    }
    throw new Error('unreachable: creating a contract is always possible');
  }

  /**
   * Closed-loop set-up before measuring: contracts created and activated so the flow has work at
   * once.
   */
  async seed(contracts: number, concurrency = 8): Promise<void> {
    let left = contracts;
    const worker = async () => {
      for (; left > 0; left--) {
        for (const kind of ['create contract', 'activate contract'] as const) {
          const outcome = await this.job(kind)!.send();
          if (outcome !== 'ok') throw new Error(`seeding: ${kind} failed`);
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  }

  private draw(): Kind {
    let pick = this.random() * 100;
    for (const [kind, weight] of Object.entries(MIX) as [Kind, number][])
      if ((pick -= weight) < 0) return kind;
    return 'GET contract summary';
  }

  private job(kind: Kind): Job | undefined {
    const stage = STEP[kind];
    if (stage) {
      const queue = this.queues[stage];
      if (!queue.length || queue[0].readyAt > Date.now()) return undefined;
      const slot = queue.shift()!;
      return { kind, send: () => this.step(kind, slot) };
    }
    if (kind === 'create contract') return { kind, send: () => this.create() };
    if (kind === 'GET contract summary' && this.known.length)
      return { kind, send: () => this.query(`/contracts/${this.pick(this.known).contractId}`) };
    if (kind === 'GET account' && this.billed.size)
      return { kind, send: () => this.query(`/accounts/${this.pick([...this.billed])}`) };
    if (kind === 'GET aging')
      return { kind, send: () => this.query(`/aging?asOf=${BASE_YEAR}-11-15`) };
    return undefined;
  }

  private async create(): Promise<Outcome> {
    const n = this.created++;
    const customer = this.customers[n % this.customers.length];
    const plan = { startMonth: 0, periods: PERIODS, retainage: n % 2 === 0, lines: 1 + (n % 3) };
    const reply = await this.client.post(
      '/contracts',
      contractBody(customer, plan, `${customer.name} job ${n}`),
    );
    if (reply.status !== 201) return this.fail('create contract', reply);
    const slot = {
      contractId: reply.body.contractId as string,
      customer,
      plan,
      period: 0,
      readyAt: 0,
    };
    this.known.push(slot);
    this.queues.created.push(slot);
    return 'ok';
  }

  private async step(kind: Kind, slot: Slot): Promise<Outcome> {
    const stage = STEP[kind]!;
    const reply = await this.request(kind, slot);
    const ok = reply.status >= 200 && reply.status < 300;
    if (!ok) {
      this.fail(kind, reply);
      slot.readyAt = Date.now() + REACTION_GRACE_MS / 2;
      this.queues[stage].push(slot);
      return reply.status === 404 && stage !== 'created' ? 'not-ready' : 'error';
    }
    this.advance(kind, slot, reply.body);
    return 'ok';
  }

  private request(kind: Kind, slot: Slot): Promise<HttpReply> {
    const periodEnd = lastDayOf(BASE_YEAR, slot.period);
    const base = `/contracts/${slot.contractId}`;
    const lines = Array.from({ length: slot.plan.lines }, (_, index) => ({
      lineId: `L${index + 1}`,
      percentComplete: Math.round(((slot.period + 1) * 9000) / PERIODS),
      storedMaterials: 0,
    }));
    switch (kind) {
      case 'activate contract':
        return this.client.post(`${base}/activate`, { date: `${BASE_YEAR}-01-01` });
      case 'report progress':
        return this.client.post(`${base}/progress-reports`, {
          periodEnd,
          reportedOn: periodEnd,
          lines,
        });
      case 'certify progress':
        return this.client.post(`${base}/progress-reports/${periodEnd}/certify`, {
          date: addDays(periodEnd, 2),
        });
      case 'issue invoice':
        return this.client.post(
          `/invoices/${uuidFrom(`${slot.contractId}/progress/${periodEnd}`)}/issue`,
          { date: addDays(periodEnd, 3) },
        );
      default: {
        const { invoiceId, total, issueDate } = slot.invoice!;
        const amount = slot.period % 7 === 3 ? Math.ceil(total / 2) : total;
        const payment = {
          amount,
          currency: 'USD',
          receivedOn: addDays(issueDate, 20),
          method: 'wire',
          reference: `WIRE ${invoiceId.slice(0, 8)}`,
          invoiceIds: [invoiceId],
        };
        return this.client.post(`/accounts/${slot.customer.customerId}/payments`, payment);
      }
    }
  }

  /** The contract's next stage; a reaction-dependent next step waits REACTION_GRACE_MS. */
  private advance(kind: Kind, slot: Slot, body: any): void {
    const now = Date.now();
    const to = (stage: Stage, wait = 0) => {
      slot.readyAt = now + wait;
      this.queues[stage].push(slot);
    };
    if (kind === 'activate contract') return to('active', REACTION_GRACE_MS);
    if (kind === 'report progress') return to('reported');
    if (kind === 'certify progress') return to('certified', REACTION_GRACE_MS);
    if (kind === 'issue invoice') {
      slot.invoice = { invoiceId: body.invoiceId, total: body.total, issueDate: body.issueDate };
      this.billed.add(slot.customer.customerId);
      return to('issued', REACTION_GRACE_MS);
    }
    if (++slot.period < PERIODS) to('active');
  }

  private async query(path: string): Promise<Outcome> {
    const reply = await this.client.get(path);
    return reply.status === 200 ? 'ok' : this.fail('GET', reply);
  }

  /** The failures since the last call. */
  takeFailures(): Record<string, number> {
    const taken = { ...this.failures };
    Object.keys(this.failures).forEach((key) => delete this.failures[key]);
    return taken;
  }

  private fail(kind: string, reply: HttpReply): 'error' {
    const key =
      `${kind} ${reply.status} ${String(reply.body?.title ?? reply.body?.detail ?? '').slice(0, 60)}`.trim();
    this.failures[key] = (this.failures[key] ?? 0) + 1;
    return 'error';
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)];
  }
}
