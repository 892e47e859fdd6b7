import { isDeepStrictEqual } from 'node:util';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import {
  ValidationError,
  type DomainEvent,
  type EventSchemaMap,
  type Upcaster,
} from '@billing/shared/kernel';
import type { EventStore, NewEvent, RecordedEvent } from './types';

/** A stored event its type's schema does not accept: a reader stops on it instead of guessing. */
export class InvalidEvent extends Error {
  constructor(
    readonly event: Pick<RecordedEvent, 'id' | 'type' | 'streamId' | 'revision'>,
    readonly problems: readonly string[],
  ) {
    super(
      `${event.type} at ${event.streamId}@${event.revision} does not fit its schema: ${problems.join('; ')}`,
    );
    this.name = 'InvalidEvent';
  }
}

/**
 * Refuses an event no reader can use, whatever its type: data that is not a JSON object, metadata
 * naming no tenant (a row a hand edit or an old bug broke: the stores hand it over as it is). The
 * projections park it; a command or an audit view of its stream fails rather than fold it.
 */
export function requireReadable(event: RecordedEvent): void {
  const problems: string[] = [];
  if (typeof event.data !== 'object' || event.data === null || Array.isArray(event.data))
    problems.push('(data): must be a JSON object');
  const tenant = (event.metadata as { tenantId?: unknown } | undefined)?.tenantId;
  if (typeof tenant !== 'string' || tenant === '') problems.push('metadata.tenantId: is required');
  if (problems.length > 0) throw new InvalidEvent(event, problems);
}

/**
 * Events a command would append that do not fit their schemas: a 400 over HTTP, a bug (parked) in a
 * reaction.
 */
export class InvalidEventData extends ValidationError {}

/**
 * ARCHITECTURE.md "Identity and events": one JSON Schema per event type, checked before append and
 * when projections and relays read, so the write side never stores what the read side cannot read.
 */
export class EventSchemas {
  // Strict: a typo in a schema (an unknown keyword or format) fails at registration, not silently.
  private readonly ajv = addFormats(
    new Ajv({ allErrors: true, strict: true, discriminator: true }),
    ['date', 'uuid'],
  );
  private readonly registered = new Map<
    string,
    { schema: object; validate: ValidateFunction; upcasters: Upcaster[] }
  >();

  /**
   * Adds a context's schemas (the current shapes) and the upcasters from older ones; the same type
   * again is accepted only with the very same schema.
   */
  register(map: EventSchemaMap, upcasters: readonly Upcaster[] = []): this {
    for (const [type, schema] of Object.entries(map)) {
      const known = this.registered.get(type);
      if (known && !isDeepStrictEqual(known.schema, schema))
        throw new Error(`event type ${type} is already registered with a different schema`);
      const chain = upcasters
        .filter((upcaster) => upcaster.type === type)
        .sort((a, b) => a.from - b.from);
      if (chain.some((upcaster, index) => upcaster.from !== index + 1))
        throw new Error(`the upcasters of ${type} must run from version 1 without a gap`);
      if (!known)
        this.registered.set(type, { schema, validate: this.ajv.compile(schema), upcasters: chain });
    }
    return this;
  }

  /** The schema version appends of `type` record: 1 + its upcasters. */
  version(type: string): number {
    return 1 + (this.registered.get(type)?.upcasters.length ?? 0);
  }

  /**
   * A stored event in its type's current shape: each upcaster from the version it was recorded at
   * on.
   */
  upcast(recorded: RecordedEvent): RecordedEvent {
    const from = recorded.metadata?.schemaVersion ?? 1;
    const chain =
      this.registered.get(recorded.type)?.upcasters.filter((upcaster) => upcaster.from >= from) ??
      [];
    if (chain.length === 0) return recorded;
    const data = chain.reduce(
      (current, upcaster) => upcaster.upcast(current),
      recorded.data as Record<string, unknown>,
    );
    return {
      ...recorded,
      data,
      metadata: { ...recorded.metadata, schemaVersion: this.version(recorded.type) },
    };
  }

  types(): string[] {
    return [...this.registered.keys()].sort();
  }

  /** What is wrong with `data` as a `type` event, each as `path: message`; empty when it fits. */
  errors(type: string, data: unknown): string[] {
    const known = this.registered.get(type);
    if (!known) return [`${type}: no schema is registered for this event type`];
    return known.validate(data) ? [] : (known.validate.errors ?? []).map(describe);
  }

  /** Refuses (400) a batch if any event does not fit its type's schema, naming every problem. */
  check(events: readonly NewEvent[]): void {
    const failures = events
      .map((event) => ({ type: event.type, errors: this.errors(event.type, event.data) }))
      .filter((failure) => failure.errors.length > 0);
    if (failures.length === 0) return;
    const errors = failures.flatMap((failure) => failure.errors);
    const message = failures
      .map((failure) => `${failure.type} does not fit its schema: ${failure.errors.join('; ')}`)
      .join('; ');
    throw new InvalidEventData(message, { errors });
  }

  /**
   * A stored event as its domain type (upcast), or InvalidEvent when its data does not fit the
   * schema or its metadata names no tenant.
   */
  decode<E extends DomainEvent>(recorded: RecordedEvent): E {
    requireReadable(recorded);
    const current = this.upcast(recorded);
    const problems = this.errors(current.type, current.data);
    if (problems.length > 0) throw new InvalidEvent(recorded, problems);
    return { type: current.type, data: current.data } as E;
  }
}

function describe(error: ErrorObject): string {
  const path = error.instancePath
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required')
    return `${[...path, String(params.missingProperty)].join('.')}: is required`;
  if (error.keyword === 'additionalProperties')
    return `${[...path, String(params.additionalProperty)].join('.')}: is not allowed`;
  if (error.keyword === 'discriminator') {
    const tag = [...path, String(params.tag)].join('.');
    return params.error === 'mapping'
      ? `${tag}: unknown value ${JSON.stringify(params.tagValue)}`
      : `${tag}: must be string`;
  }
  const where = path.length > 0 ? path.join('.') : '(data)';
  if (error.keyword === 'enum')
    return `${where}: must be one of ${(params.allowedValues as unknown[]).map(String).join(', ')}`;
  return `${where}: ${error.message ?? error.keyword}`;
}

/**
 * The store, refusing to append any event its type's schema does not accept (nothing is written
 * then), recording each event's schema version, and reading every event in its current shape.
 */
export function validatingEventStore(store: EventStore, schemas: EventSchemas): EventStore {
  const upcast = (events: RecordedEvent[]) => events.map((event) => schemas.upcast(event));
  return {
    append: async (streamId, events, expected) => {
      schemas.check(events);
      return store.append(
        streamId,
        events.map((event) => ({
          ...event,
          metadata: { ...event.metadata, schemaVersion: schemas.version(event.type) },
        })),
        expected,
      );
    },
    readStream: async (streamId, options) => upcast(await store.readStream(streamId, options)),
    readAll: async (options) => upcast(await store.readAll(options)),
    subscribeToAll: (options, handler, onError) =>
      store.subscribeToAll(options, (event) => handler(schemas.upcast(event)), onError),
    headPosition: () => store.headPosition(),
    writeFailure: () => store.writeFailure?.(),
    close: () => store.close(),
  };
}
