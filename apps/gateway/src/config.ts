import { logLevelOf, type LogLevel } from '@billing/shared/logging';
import { trustedProxiesOf } from '@billing/shared/kernel';
import { SERVICES, type Service } from './routes';

export interface GatewayConfig {
  port: number;
  host: string;
  upstreams: Record<Service, string>;
  logLevel: LogLevel;
  /** Proxies in front of the gateway whose X-Forwarded-For names the client (a load balancer). */
  trustedProxies?: string[];
}

const DEFAULT_PORTS: Record<Service, number> = {
  contracts: 3001,
  milestones: 3002,
  invoicing: 3003,
  receivables: 3004,
};

export class GatewayConfigError extends Error {}

/**
 * PORT (3000), HOST, LOG_LEVEL, TRUSTED_PROXIES (as the services read it), and each service's base
 * URL: CONTRACTS_URL, MILESTONES_URL, INVOICING_URL, RECEIVABLES_URL.
 */
export function loadGatewayConfig(env: NodeJS.ProcessEnv): GatewayConfig {
  const problems: string[] = [];
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    problems.push(`PORT must be a port number, got "${env.PORT}"`);
  const upstreams = {} as Record<Service, string>;
  for (const service of SERVICES) {
    const name = `${service.toUpperCase()}_URL`;
    const url = env[name] ?? `http://127.0.0.1:${DEFAULT_PORTS[service]}`;
    if (!/^https?:\/\/[^/\s]+\/?$/.test(url))
      problems.push(
        `${name} must be a service's base URL such as http://127.0.0.1:${DEFAULT_PORTS[service]}, got "${url}"`,
      );
    upstreams[service] = url.replace(/\/$/, '');
  }
  const logLevel = logLevelOf(env, problems);
  const trustedProxies = trustedProxiesOf(env.TRUSTED_PROXIES, problems);
  if (problems.length)
    throw new GatewayConfigError(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  return { port, host: env.HOST ?? '127.0.0.1', upstreams, logLevel: logLevel!, trustedProxies };
}
