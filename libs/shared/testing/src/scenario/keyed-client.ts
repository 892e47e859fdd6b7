import type { Client } from './client';

/**
 * Sends `Idempotency-Key: <prefix>-<n>` with the n-th POST. The scenario's POSTs come in a fixed
 * order, so running it again through a new keyed client retries every command with its first key,
 * as a client does after a crash (RFC draft "The Idempotency-Key HTTP Header Field").
 */
export function keyedClient(client: Client, prefix = 'scenario'): Client {
  let posts = 0;
  return {
    post: (path, body, headers = {}) =>
      client.post(path, body, { 'Idempotency-Key': `${prefix}-${++posts}`, ...headers }),
    get: (path, headers) => client.get(path, headers),
    waitMs: client.waitMs,
  };
}
