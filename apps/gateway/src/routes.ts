export const SERVICES = ['contracts', 'milestones', 'invoicing', 'receivables'] as const;
export type Service = (typeof SERVICES)[number];

/** `METHOD /path`: segments are literal, `:param` (one segment) or a final `*` (one or more). */
export interface Route {
  method: 'GET' | 'POST' | '*';
  path: string;
  service: Service;
}

const CONTRACT_COMMANDS = [
  'activate',
  'change-orders',
  'suspend',
  'resume',
  'complete',
  'close',
  'cancel',
  'schedule',
  'costs',
];

/**
 * Which service answers which request. A contract's sub-resources belong to several contexts
 * (`POST /contracts/:id/schedule` defines it in contracts, `GET` reads it from milestones), so a
 * route names its method where paths are shared. The gateway answers `/health*`, `/docs*` and
 * `/refusals` (every service's, merged) itself. gateway.spec.ts checks the table against every
 * service's OpenAPI document: each documented operation matches exactly one route.
 */
export const ROUTES: readonly Route[] = [
  { method: '*', path: '/contracts', service: 'contracts' },
  { method: 'GET', path: '/contracts/:id', service: 'contracts' },
  { method: 'GET', path: '/contracts/:id/as-of', service: 'contracts' },
  { method: 'GET', path: '/contracts/:id/history', service: 'contracts' },
  { method: 'GET', path: '/contracts/:id/wip', service: 'contracts' },
  { method: '*', path: '/contract-ledgers', service: 'contracts' },
  { method: '*', path: '/contract-ledgers/*', service: 'contracts' },
  { method: '*', path: '/wip', service: 'contracts' },
  ...CONTRACT_COMMANDS.map((command): Route => ({
    method: 'POST',
    path: `/contracts/:id/${command}`,
    service: 'contracts',
  })),
  { method: 'GET', path: '/contracts/:id/schedule', service: 'milestones' },
  { method: '*', path: '/contracts/:id/progress-reports', service: 'milestones' },
  { method: '*', path: '/contracts/:id/progress-reports/*', service: 'milestones' },
  { method: '*', path: '/contracts/:id/milestones/*', service: 'milestones' },
  { method: '*', path: '/contracts/:id/billing', service: 'invoicing' },
  { method: '*', path: '/contracts/:id/retainage-release', service: 'invoicing' },
  { method: '*', path: '/invoices', service: 'invoicing' },
  { method: '*', path: '/invoices/*', service: 'invoicing' },
  { method: '*', path: '/billing-timeliness', service: 'invoicing' },
  { method: '*', path: '/accounts', service: 'receivables' },
  { method: '*', path: '/accounts/*', service: 'receivables' },
  { method: '*', path: '/aging', service: 'receivables' },
  { method: '*', path: '/cash-forecast', service: 'receivables' },
  { method: '*', path: '/dso', service: 'receivables' },
  { method: '*', path: '/reminders/*', service: 'receivables' },
  // The auditors' API reads the event store the four services share: the contracts service serves
  // it.
  { method: 'GET', path: '/audit/*', service: 'contracts' },
];

export function matches(route: Route, method: string, path: string): boolean {
  // A browser's CORS preflight (OPTIONS) goes to the service that owns the path, whatever method it
  // asks about: each service answers it from its own CORS_ORIGINS.
  if (
    route.method !== '*' &&
    route.method !== method.toUpperCase() &&
    method.toUpperCase() !== 'OPTIONS'
  )
    return false;
  const want = route.path.split('/').slice(1);
  const got = path.replace(/\/+$/, '').split('/').slice(1);
  for (let i = 0; i < want.length; i++) {
    if (want[i] === '*') return got.length > i && got.slice(i).every(Boolean);
    if (i >= got.length || !got[i] || (!want[i].startsWith(':') && want[i] !== got[i]))
      return false;
  }
  return got.length === want.length;
}

/** Every route a request matches: one in a correct table, so the first is the one. */
export function routesOf(method: string, path: string, table: readonly Route[] = ROUTES): Route[] {
  return table.filter((route) => matches(route, method, path));
}
