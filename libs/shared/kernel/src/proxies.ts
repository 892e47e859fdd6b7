import { isIP } from 'node:net';

/** What Express's `trust proxy` (proxy-addr) takes: a name, an address, or one with a prefix. */
export function isProxyAddress(text: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(text)) return true;
  const [address, prefix, ...rest] = text.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * TRUSTED_PROXIES: the comma-separated proxies whose X-Forwarded-For names the client; a problem
 * named in `problems` for each that Express could not take.
 */
export function trustedProxiesOf(text: string | undefined, problems: string[]): string[] {
  const proxies = (text ?? '')
    .split(',')
    .map((proxy) => proxy.trim())
    .filter(Boolean);
  const bad = proxies.filter((proxy) => !isProxyAddress(proxy));
  if (bad.length)
    problems.push(
      `TRUSTED_PROXIES must list addresses, CIDR ranges (10.0.0.0/8) or loopback, linklocal, uniquelocal, got "${bad.join(',')}"`,
    );
  return proxies;
}
