import { closedObject, type EventSchemaMap } from '@billing/shared/kernel';

/**
 * The stored first answer to a POST with an Idempotency-Key (idempotency.interceptor.ts). The body
 * is whatever the handler answered, and may be absent (a handler that answers nothing).
 */
export const idempotencySchemas: EventSchemaMap = {
  CommandAnswered: closedObject(
    {
      status: { type: 'integer', minimum: 100, maximum: 599 },
      body: {},
      fingerprint: { type: 'string', pattern: '^[0-9a-f]{64}$' },
      actor: { type: 'string', minLength: 1 },
    },
    ['body', 'fingerprint', 'actor'],
  ),
};
