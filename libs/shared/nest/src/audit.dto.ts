import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { IsInstant } from './dto';
import { ListQuery } from './paging';

/**
 * `<category>-<id>` (ADR 2, 8): the category in lower case, the id a UUID, a tenant-scoped key or a
 * series.
 */
export const STREAM_ID_PATTERN = '^[a-z]+-[A-Za-z0-9][A-Za-z0-9._-]{0,199}$';
export { CORRELATION_ID_PATTERN } from '@billing/shared/logging';

export class HistoryQuery extends ListQuery {
  @ApiPropertyOptional({
    enum: ['json', 'jsonl'],
    default: 'json',
    description:
      '`jsonl`: the page as JSON lines (`application/x-ndjson`), as `Accept: application/x-ndjson` asks too',
  })
  @IsOptional()
  @IsIn(['json', 'jsonl'])
  format?: 'json' | 'jsonl';
}

export class RangeQuery extends HistoryQuery {
  @ApiPropertyOptional({
    type: 'string',
    format: 'date-time',
    description: 'Recorded at or after this instant (ISO 8601)',
    example: '2026-01-01T00:00:00Z',
  })
  @IsOptional()
  @IsInstant()
  from?: string;

  @ApiPropertyOptional({
    type: 'string',
    format: 'date-time',
    description: 'Recorded before this instant (ISO 8601)',
    example: '2027-01-01T00:00:00Z',
  })
  @IsOptional()
  @IsInstant()
  to?: string;
}

export class VerifyQuery {
  @ApiPropertyOptional({
    pattern: STREAM_ID_PATTERN,
    description: 'Only this stream (default: every stream of the tenant)',
    example: 'contract-3f0c1e9a-5b7d-4c2e-8a61-0d9b2f4e7a13',
  })
  @IsOptional()
  @Matches(new RegExp(STREAM_ID_PATTERN))
  streamId?: string;
}
