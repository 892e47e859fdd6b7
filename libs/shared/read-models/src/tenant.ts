import type { Doc, FindOptions, ReadModelStore } from './read-model.port';

/**
 * Projections write through this: every document is stamped with the tenant of the event applied.
 */
export function stampedWith(store: ReadModelStore, tenantId: string): ReadModelStore {
  return {
    get: (collection, id) => store.get(collection, id),
    find: (collection, query, options) => store.find(collection, query, options),
    count: (collection, query) => store.count(collection, query),
    remove: (collection, id) => store.remove(collection, id),
    drop: (collection) => store.drop(collection),
    ensureIndex: (collection, fields) => store.ensureIndex(collection, fields),
    collections: () => store.collections(),
    close: () => store.close(),
    apply: (collection, id, position, update, options) =>
      store.apply(
        collection,
        id,
        position,
        (current) => ({ ...update(current as never), _tenant: tenantId }),
        options,
      ),
    applyBatch: (updates) =>
      store.applyBatch(
        updates.map((step) => ({
          ...step,
          update: (current) => ({ ...(step.update(current) as object), _tenant: tenantId }),
        })),
      ),
  };
}

export interface TenantReadModels {
  get<T>(collection: string, id: string): Promise<Doc<T> | undefined>;
  find<T>(
    collection: string,
    query?: Record<string, unknown>,
    options?: FindOptions,
  ): Promise<Doc<T>[]>;
  count(collection: string, query?: Record<string, unknown>): Promise<number>;
}

/**
 * How long a request waits for one read of the read models: a store that stalls (a Mongo server
 * that stopped answering) makes the request a 503 in this time, not when the driver gives up.
 */
export const READ_DEADLINE_MS = 5_000;

/** A read of the read models that did not answer within its deadline: try again shortly. */
export class ReadModelsUnavailableError extends Error {
  override readonly name = 'ReadModelsUnavailableError';
  readonly unavailable = true;
}

/** `work`, or a ReadModelsUnavailableError once `ms` have passed without its answer. */
export function withinDeadline<T>(work: Promise<T>, what: string, ms = READ_DEADLINE_MS) {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>(
    (_, reject) =>
      (timer = setTimeout(
        () =>
          reject(
            new ReadModelsUnavailableError(`the read models did not answer ${what} in ${ms} ms`),
          ),
        ms,
      )),
  );
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/**
 * Requests read through this: a tenant sees its own documents only, and each read answers within
 * READ_DEADLINE_MS or fails as unavailable (HTTP 503).
 */
export function forTenant(store: ReadModelStore, tenantId: string): TenantReadModels {
  return {
    get: async <T>(collection: string, id: string) => {
      const doc = await withinDeadline(
        store.get<T & { _tenant?: string }>(collection, id),
        `a read of ${collection}`,
      );
      return doc && doc._tenant === tenantId ? doc : undefined;
    },
    find: <T>(collection: string, query: Record<string, unknown> = {}, options?: FindOptions) =>
      withinDeadline(
        store.find<T>(collection, { ...query, _tenant: tenantId }, options),
        `a query of ${collection}`,
      ),
    count: (collection: string, query: Record<string, unknown> = {}) =>
      withinDeadline(
        store.count(collection, { ...query, _tenant: tenantId }),
        `a count of ${collection}`,
      ),
  };
}
