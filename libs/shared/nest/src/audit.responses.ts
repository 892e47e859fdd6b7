import { ApiProperty } from '@nestjs/swagger';
import { CountProperty, InstantProperty, TextProperty } from './openapi';

const HASH = {
  pattern: '^[0-9a-f]{64}$',
  example: '9f2c0b7e4d1a3f5e8c6b2a0d9e7f1c3b5a7d9e1f3c5b7a9d1e3f5a7c9b1d3e5f',
};

/** One stored event with who, when and why (audit), and its link in the stream's hash chain. */
export class AuditEventView {
  @TextProperty('The stream it belongs to', {
    example: 'contract-3f0c1e9a-5b7d-4c2e-8a61-0d9b2f4e7a13',
  })
  streamId!: string;
  @CountProperty('Its revision in the stream') revision!: number;
  @TextProperty("The event's id") eventId!: string;
  @TextProperty('The event type', { example: 'ContractActivated' }) type!: string;
  @InstantProperty('When it was stored') recordedAt!: string;
  @InstantProperty('When the command was decided') occurredAt!: string;
  @TextProperty('Who acted (`system:<reaction>` for a reaction)') actor!: string;
  @TextProperty('The command that caused it, when recorded', {
    required: false,
    example: 'ActivateContract',
  })
  command?: string;
  @TextProperty('The reason given, where a rule asks for one', {
    required: false,
    example: 'Owner stop-work order pending a design review',
  })
  reason?: string;
  @TextProperty('The correlation id of the request or message that caused it')
  correlationId!: string;
  @TextProperty('The command or message that caused it') causationId!: string;
  @TextProperty('The tenant') tenantId!: string;
  @ApiProperty({ type: 'integer', minimum: 1, description: "Version of the event's schema" })
  schemaVersion!: number;
  @TextProperty(
    'SHA-256 over the hash of the event before it in the stream and this event (RFC 8785); absent on events stored before hashing (ADR 19)',
    {
      required: false,
      ...HASH,
    },
  )
  hash?: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: "The event's data, as its type defines it",
  })
  data!: Record<string, unknown>;
}

export class ChainBreakView {
  @TextProperty('The stream') streamId!: string;
  @CountProperty('The revision whose link does not hold') revision!: number;
  @TextProperty("The event's id") eventId!: string;
  @ApiProperty({
    enum: ['hash', 'unhashed', 'gap'],
    description:
      '`hash`: its stored hash differs; `unhashed`: no hash where the chain had begun; `gap`: revisions missing before it',
  })
  kind!: 'hash' | 'unhashed' | 'gap';
  @TextProperty(
    'The hash it should carry over the stored hash before it (or the revision due, for a gap)',
  )
  expected!: string;
  @TextProperty('The hash it carries (`none`, or the revision found)') found!: string;
}

/** The hash chains of the tenant's streams, walked (ADR 19). */
export class ChainReportView {
  @ApiProperty({ description: 'No break found' }) intact!: boolean;
  @ApiProperty({
    description:
      'Every event walked is verified: no break, and none without a hash (a store whose hashes were all removed looks like one written before hashing began: `auditor verify` exits 2 for it)',
  })
  verifiedAll!: boolean;
  @CountProperty('Events walked') events!: number;
  @CountProperty('Streams walked') streams!: number;
  @CountProperty('Events whose hash holds over the one before') verified!: number;
  @CountProperty(
    'Events with no hash (stored before hashing began, or their hashes removed): not verified',
  )
  unhashed!: number;
  @CountProperty('Streams with such events') unhashedStreams!: number;
  @CountProperty('Breaks found') breakCount!: number;
  @ApiProperty({ type: [ChainBreakView], description: 'The breaks, first one first (at most 100)' })
  breaks!: ChainBreakView[];
  @TextProperty('SHA-256 over every chain head: the same history gives the same digest', HASH)
  headsDigest!: string;
}
