import { accountDecider, accountStream, legacyAccountStream } from '@billing/receivables/domain';
import type { EventStore } from '@billing/shared/event-store';
import { deciderCommand } from '@billing/shared/nest';

/**
 * ADR 8: an account stream named before tenant scoping stays the account of the tenant that wrote
 * it; every other account is tenant-scoped.
 */
export async function resolveAccountStream(
  store: EventStore,
  tenantId: string,
  customerId: string,
): Promise<string> {
  const [first] = await store.readStream(legacyAccountStream(customerId), { maxCount: 1 });
  return first?.metadata.tenantId === tenantId
    ? legacyAccountStream(customerId)
    : accountStream(tenantId, customerId);
}

export const { Command: ExecuteAccountCommand, Handler: AccountCommandHandler } = deciderCommand(
  accountDecider,
  (customerId, context, store) => resolveAccountStream(store, context.tenantId, customerId),
  'account.v3',
);
