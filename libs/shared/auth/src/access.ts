import { ROLES, type Role } from './identity';

/**
 * One row of the access matrix: what the operations do, who may call them, and the operations
 * (`METHOD /path` as routed).
 */
export interface AccessRule {
  what: string;
  roles: readonly Role[];
  operations: readonly string[];
}

const CONTRACT = '/contracts/:id';
const SCHEDULE = '/contracts/:contractId';
const ACCOUNT = '/accounts/:customerId';

/**
 * Who may do what (issue 8; README "Roles and tokens" prints this table): billing staff run the
 * flow, finance queries and exports everything and records payments, write-offs and job costs but
 * changes no contract, auditors only read, admins do everything. An operation missing here is
 * refused to all but admins, and apps/standalone/src/access.int.spec.ts fails on it.
 */
export const ACCESS: readonly AccessRule[] = [
  {
    what: 'Every query: contracts, schedules, billing ledgers, invoices, accounts, statements, aging, refusals; history and as-of; documents (PDFs, reminder messages)',
    roles: ROLES,
    operations: [
      'GET /contracts',
      `GET ${CONTRACT}`,
      `GET ${CONTRACT}/as-of`,
      `GET ${CONTRACT}/history`,
      `GET ${SCHEDULE}/schedule`,
      `GET ${SCHEDULE}/billing`,
      'GET /invoices',
      'GET /invoices/:id',
      'GET /invoices/:id/as-of',
      'GET /invoices/:id/pdf',
      'GET /invoices/:id/credit-notes/:creditNoteId/pdf',
      'GET /accounts',
      `GET ${ACCOUNT}`,
      `GET ${ACCOUNT}/statement`,
      `GET ${ACCOUNT}/statement/pdf`,
      `GET ${ACCOUNT}/invoices/:invoiceId/reminders/:level/text`,
      `GET ${ACCOUNT}/invoices/:invoiceId/reminders/:level/html`,
      `GET ${ACCOUNT}/aging`,
      `GET ${ACCOUNT}/as-of`,
      'GET /aging',
      'GET /refusals',
      'GET /contract-ledgers',
      'GET /contract-ledgers/:contractId',
      'GET /wip',
      `GET ${CONTRACT}/wip`,
      'GET /cash-forecast',
      'GET /dso',
      'GET /billing-timeliness',
    ],
  },
  {
    what: 'Contracts: create, schedule of values, activate, change orders, suspend, resume, complete, close, cancel',
    roles: ['billing', 'admin'],
    operations: [
      'POST /contracts',
      ...[
        'schedule',
        'activate',
        'change-orders',
        'suspend',
        'resume',
        'complete',
        'close',
        'cancel',
      ].map((command) => `POST ${CONTRACT}/${command}`),
    ],
  },
  {
    what: "Progress and milestones: report, achieve, certify or reject on the customer's behalf",
    roles: ['billing', 'admin'],
    operations: [
      `POST ${SCHEDULE}/progress-reports`,
      `POST ${SCHEDULE}/progress-reports/:periodEnd/certify`,
      `POST ${SCHEDULE}/progress-reports/:periodEnd/reject`,
      ...['achieve', 'certify', 'reject'].map(
        (action) => `POST ${SCHEDULE}/milestones/:lineId/${action}`,
      ),
    ],
  },
  {
    what: 'Invoices: issue drafts, void, credit notes, retainage release',
    roles: ['billing', 'admin'],
    operations: [
      'POST /invoices/:id/issue',
      'POST /invoices/:id/void',
      'POST /invoices/:id/credit-notes',
      `POST ${SCHEDULE}/retainage-release`,
    ],
  },
  {
    what: 'Payments: record, reverse (bounced), apply unapplied credit',
    roles: ['billing', 'finance', 'admin'],
    operations: [
      `POST ${ACCOUNT}/payments`,
      `POST ${ACCOUNT}/payments/:paymentId/reverse`,
      `POST ${ACCOUNT}/credit-applications`,
    ],
  },
  {
    what: 'Write-offs',
    roles: ['finance', 'admin'],
    operations: [`POST ${ACCOUNT}/invoices/:invoiceId/write-off`],
  },
  {
    what: "Job costs: a period's cost to date and estimated total (WIP schedule)",
    roles: ['billing', 'finance', 'admin'],
    operations: [`POST ${CONTRACT}/costs`],
  },
  { what: 'Reminder runs', roles: ['billing', 'admin'], operations: ['POST /reminders/run'] },
  {
    what: "Audit (read-only): any stream's events, a flow by correlation id, a recorded time range (JSON or JSON lines); the hash chains verified",
    roles: ['auditor', 'admin'],
    operations: [
      'GET /audit/streams/:streamId/events',
      'GET /audit/flows/:correlationId',
      'GET /audit/events',
      'GET /audit/verify',
    ],
  },
];

/** Open to anyone: liveness and readiness (the API docs at /docs are served outside the routes). */
export const PUBLIC_OPERATIONS: readonly string[] = ['GET /health/live', 'GET /health/ready'];

const BY_OPERATION = new Map(
  ACCESS.flatMap((rule) => rule.operations.map((operation) => [operation, rule.roles] as const)),
);

/** Whether the matrix names `METHOD /route` (or it is open). */
export const isListed = (method: string, route: string) =>
  PUBLIC_OPERATIONS.includes(`${method.toUpperCase()} ${route}`) ||
  BY_OPERATION.has(`${method.toUpperCase()} ${route}`);

/**
 * `public`, or the roles that may call `METHOD /path` (the route's template, `:param`s and all);
 * admins only when the matrix does not name it.
 */
export function accessOf(method: string, route: string): 'public' | readonly Role[] {
  // HEAD is a GET without its body (Express answers it with the GET's handler).
  const verb = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
  const operation = `${verb} ${route}`;
  return PUBLIC_OPERATIONS.includes(operation)
    ? 'public'
    : (BY_OPERATION.get(operation) ?? ['admin']);
}
