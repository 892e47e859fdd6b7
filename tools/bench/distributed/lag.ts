import { mongo as driver } from 'mongoose';
import { SCHEDULES } from '@billing/milestones/feature';
import { EsdbEventStore } from '@billing/shared/esdb';
import type { EventStore } from '@billing/shared/event-store';
import { expectOk, fetchClient, smallContract, type Client } from '@billing/shared/testing';
import { freePort } from '../../services/service-process';
import { Infrastructure, Services, SERVICES, type Ports } from '../../services/system';
import { summarize, type Summary } from '../stats';

const WARM_UP = 20;
/**
 * How often the other service's read model is looked at while waiting (a findOne by _id in its
 * Mongo database).
 */
const POLL_MS = 1;
/**
 * The milestones service's Mongo database (libs/shared/platform/src/infrastructure.ts: one per
 * service).
 */
const MILESTONES_DB = 'milestones';

export interface LagFigures {
  /**
   * Where mongo-java-server keeps the read models: in memory, or in an H2 file (as the e2e suite
   * runs it, to restart it).
   */
  mongo: 'memory' | 'h2-file';
  samples: number;
  /** POST /contracts/:id/activate to the contracts service -> its 2xx answer. */
  command: Summary;
  /**
   * POST /contracts/:id/activate to the contracts service -> the schedule is in the milestones
   * service's read model (its Mongo collection).
   */
  lag: Summary;
  /**
   * The lag in stages, by the `recordedAt` of ContractActivated and ScheduleOpened (the time the
   * writing service stamped each event with just before appending it; every process here reads the
   * same clock, to the millisecond): the command to its event's append; that append to the
   * milestones service's (the append itself, the relay, the broker, the consumer group and the
   * OpenSchedule command); that append to the schedule in Mongo (the append, the projection, the
   * poll).
   */
  stages: Stages<Summary>;
}

interface Stages<T> {
  activated: T;
  scheduleOpened: T;
  projected: T;
}

/**
 * End-to-end lag across services over the real broker, on the distributed stack of
 * tools/services/system.ts (the four services as processes on the Kafka broker, the ESDB emulator
 * in a process of its own, and mongo-java-server): activating a contract in the contracts service
 * publishes ContractActivated (relay -> Kafka); the milestones service's consumer group opens the
 * schedule (a command, appended to its store) and its projection writes the schedule into Mongo.
 * Measured one contract at a time, from sending the command until the schedule's document is in the
 * milestones service's Mongo collection (looked for every POLL_MS), after WARM_UP unmeasured ones;
 * then, not timed, the milestones service's HTTP query must serve it. The document is looked for in
 * Mongo, not through that query: a GET every millisecond (token check, rate limit, access log, a
 * Mongo read) would load the very service whose consumer is being timed.
 */
export async function measureLag(
  samples: number,
  mongo: LagFigures['mongo'],
  log: (line: string) => void,
): Promise<LagFigures> {
  const output: string[] = [];
  const infrastructure = await Infrastructure.start((line) => output.push(line), {
    mongoInMemory: mongo === 'memory',
    esdbProcess: true,
  });
  let system: Services | undefined;
  let client: driver.MongoClient | undefined;
  let esdb: EsdbEventStore | undefined;
  try {
    const ports: Ports = {
      gateway: await freePort(),
      services: Object.fromEntries(
        await Promise.all(SERVICES.map(async (service) => [service, await freePort()])),
      ) as Ports['services'],
    };
    system = await Services.start(infrastructure, ports, (line) => output.push(line));
    client = await new driver.MongoClient(infrastructure.mongoUrl).connect();
    const schedules = client.db(MILESTONES_DB).collection<{ _id: string }>(SCHEDULES);
    const token = await infrastructure.token({ tenantId: 'bench-lag', roles: ['billing'] });
    const contracts = fetchClient(`http://127.0.0.1:${ports.services.contracts}`, token);
    const milestones = fetchClient(`http://127.0.0.1:${ports.services.milestones}`, token);
    const store = (esdb = new EsdbEventStore(infrastructure.esdbUrl));
    const command: number[] = [];
    const lag: number[] = [];
    const stages: Stages<number[]> = { activated: [], scheduleOpened: [], projected: [] };
    for (let i = 0; i < WARM_UP + samples; i++) {
      const sample = await activateAndWait(contracts, milestones, schedules, store);
      if (i < WARM_UP) continue;
      command.push(sample.command);
      lag.push(sample.lag);
      stages.activated.push(sample.stages.activated);
      stages.scheduleOpened.push(sample.stages.scheduleOpened);
      stages.projected.push(sample.stages.projected);
      if ((i - WARM_UP + 1) % 100 === 0)
        log(`  lag (Mongo ${mongo}): ${i - WARM_UP + 1}/${samples} contracts`);
    }
    return {
      mongo,
      samples,
      command: summarize(command),
      lag: summarize(lag),
      stages: {
        activated: summarize(stages.activated),
        scheduleOpened: summarize(stages.scheduleOpened),
        projected: summarize(stages.projected),
      },
    };
  } catch (error) {
    log(`-- the servers and services said:\n${output.slice(-60).join('\n')}`);
    throw error;
  } finally {
    await client?.close();
    await esdb?.close();
    await system?.stop(10_000);
    await infrastructure.stop();
  }
}

async function activateAndWait(
  contracts: Client,
  milestones: Client,
  schedules: driver.Collection<{ _id: string }>,
  esdb: EventStore,
): Promise<{ command: number; lag: number; stages: Stages<number> }> {
  const { contractId } = await expectOk<{ contractId: string }>(
    contracts.post('/contracts', smallContract()),
    'create a contract',
  );
  const sent = Date.now();
  const started = performance.now();
  await expectOk(
    contracts.post(`/contracts/${contractId}/activate`, { date: '2026-01-05' }),
    'activate it',
  );
  const command = performance.now() - started;
  const deadline = started + 30_000;
  while ((await schedules.findOne({ _id: contractId }, { projection: { _id: 1 } })) === null) {
    if (performance.now() > deadline)
      throw new Error(
        `the milestones service had no schedule for ${contractId} 30 s after its activation`,
      );
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  const lag = performance.now() - started;
  const seen = Date.now();
  await expectOk(
    milestones.get(`/contracts/${contractId}/schedule`),
    'read the schedule from the milestones service',
  );
  // Not timed: when the two events were stamped, just before their appends (the newest of the log
  // are this contract's).
  const recent = await esdb.readAll({ direction: 'backwards', maxCount: 50 });
  const recordedAt = (type: string) => {
    const event = recent.find(
      (candidate) =>
        candidate.type === type &&
        (candidate.data as { contractId?: string }).contractId === contractId,
    );
    if (!event) throw new Error(`no ${type} for ${contractId} among the log's newest events`);
    return Date.parse(event.recordedAt);
  };
  const [activated, opened] = [recordedAt('ContractActivated'), recordedAt('ScheduleOpened')];
  return {
    command,
    lag,
    stages: {
      activated: activated - sent,
      scheduleOpened: opened - activated,
      projected: seen - opened,
    },
  };
}
