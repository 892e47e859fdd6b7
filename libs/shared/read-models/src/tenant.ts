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

/** Queries read through this: a tenant sees its own documents only. */
export function forTenant(store: ReadModelStore, tenantId: string): TenantReadModels {
  return {
    get: async <T>(collection: string, id: string) => {
      const doc = await store.get<T & { _tenant?: string }>(collection, id);
      return doc && doc._tenant === tenantId ? doc : undefined;
    },
    find: <T>(collection: string, query: Record<string, unknown> = {}, options?: FindOptions) =>
      store.find<T>(collection, { ...query, _tenant: tenantId }, options),
    count: (collection: string, query: Record<string, unknown> = {}) =>
      store.count(collection, { ...query, _tenant: tenantId }),
  };
}
