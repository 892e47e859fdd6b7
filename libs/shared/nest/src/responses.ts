import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import {
  InstantProperty,
  MapProperty,
  OpenSchema,
  PROBLEM_SCHEMA,
  TextProperty,
  UuidProperty,
} from './openapi';

export class FieldErrors {
  @TextProperty('The field, nested fields by dotted path', { example: 'customer.email' })
  field!: string;
  @ApiProperty({
    type: [String],
    description: 'What is wrong with it',
    example: ['email must be an email'],
  })
  messages!: string[];
}

/** RFC 9457 Problem Details, as problem-details.filter.ts and body.ts answer every error. */
@OpenSchema()
@ApiSchema({
  name: PROBLEM_SCHEMA,
  description:
    'An RFC 9457 Problem Details document (`application/problem+json`); may carry extension members',
})
export class ProblemDetails {
  @TextProperty('What kind of problem: `urn:billing:<category>`', {
    pattern: '^urn:billing:',
    example: 'urn:billing:not_found',
  })
  type!: string;
  @TextProperty('A short summary of the kind of problem', { example: 'Not found' }) title!: string;
  @ApiProperty({
    type: 'integer',
    minimum: 400,
    maximum: 599,
    description: 'The HTTP status',
    example: 404,
  })
  status!: number;
  @TextProperty('What happened, for a person', {
    example: 'contract 3f0c1e9a-5b7d-4c2e-8a61-0d9b2f4e7a13 not found',
  })
  detail!: string;
  @ApiPropertyOptional({
    type: [FieldErrors],
    description: 'Every invalid field (400 from validation)',
  })
  errors?: FieldErrors[];
}

/** An event a projection gave up on, as the `degraded` marker of a document names it. */
export class ParkedMark {
  @UuidProperty('The parked event') eventId!: string;
  @TextProperty('Its type', { example: 'InvoiceIssued' }) type!: string;
  @TextProperty('Why it could not be applied') error!: string;
}

export class Degraded {
  @ApiProperty({
    type: [ParkedMark],
    description: 'The events that should have changed this document and did not',
  })
  parkedEvents!: ParkedMark[];
}

/**
 * The optional marker of a read-model document an unreadable event should have changed
 * (read-model.interceptor.ts).
 */
export const DegradedProperty = () =>
  ApiPropertyOptional({
    type: Degraded,
    description:
      'Present when an event that should have changed this document is parked: its figures lack that event',
  });

/**
 * A parked event as the open readiness names it: its tenant, stream and error are in the log and in
 * `npm run audit`, not told to whoever reaches the port.
 */
export class ParkedEvent {
  @TextProperty('The projection or consumer group that parked it', {
    example: 'projection:invoices@v2',
  })
  consumer!: string;
  @UuidProperty('The event') eventId!: string;
  @TextProperty('Its type') type!: string;
  @InstantProperty('When it was parked') parkedAt!: string;
}

export class HealthIndicator {
  @ApiProperty({ enum: ['up', 'down'] }) status!: 'up' | 'down';
  @ApiPropertyOptional({
    description: 'The bus: what it runs on (`the event store` embedded, `Kafka` distributed)',
    example: 'Kafka',
  })
  on?: string;
  @ApiPropertyOptional({
    description: 'The bus: `answers`, or why the broker does not',
    example: 'answers',
  })
  broker?: string;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    description:
      'The bus: each consumer group of this instance and how it stands (`consuming`, or what it waits for)',
  })
  groups?: Record<string, string>;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    description:
      'The bus: each topic this instance relays and how it stands (`publishing`, standing by, or why it cannot publish)',
  })
  relays?: Record<string, string>;
}

export class Health {
  @ApiProperty({
    enum: ['ok', 'degraded'],
    description:
      '`degraded`: the service serves on, but `parked` events are missing from its read models, or its `bus` is down (what it publishes and reacts to waits)',
  })
  status!: 'ok' | 'degraded';
  @MapProperty('The indicators that are up, by name', HealthIndicator) info!: Record<
    string,
    HealthIndicator
  >;
  @MapProperty(
    'The indicators that are down, by name (in a 200 only `bus`, when `degraded`)',
    HealthIndicator,
  )
  error!: Record<string, HealthIndicator>;
  @MapProperty('Every indicator, by name', HealthIndicator) details!: Record<
    string,
    HealthIndicator
  >;
  @ApiPropertyOptional({ type: [ParkedEvent], description: 'Every parked event (when `degraded`)' })
  parked?: ParkedEvent[];
}

/** A reaction a billing rule refused: "never", with the reason, not "not yet". */
export class RefusalView {
  @TextProperty('The consumer group that refused it', { example: 'invoicing' }) consumer!: string;
  @UuidProperty('The message refused') messageId!: string;
  @TextProperty('Its type', { example: 'ContractPhaseChanged' }) type!: string;
  @UuidProperty('The contract it concerns', { required: false }) contractId?: string;
  @TextProperty('The rule that refused it', {
    example: 'no retainage is held: a zero amount is never invoiced',
  })
  reason!: string;
  @InstantProperty('When the message occurred') occurredAt!: string;
}
