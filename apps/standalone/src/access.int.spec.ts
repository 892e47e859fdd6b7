import { isListed, newSigningKey, type Role } from '@billing/shared/auth';
import { TEST_KEY, testToken } from '@billing/shared/testing';
import {
  DocumentedClient,
  operationsOf,
  SchemaChecker,
  type Answer,
  type OpenApi,
} from './testing/openapi-document';
import { startTestApp, type TestApp } from './testing/test-app';
import { requestFor, seedTenant, type TenantIds } from './testing/walk';

const ROLES: Role[] = ['billing', 'finance', 'auditor', 'admin'];

/**
 * The matrix of issue 8, written here apart from the code's table (libs/shared/auth access.ts) so
 * that a wrong row there fails: every query for every role, the audit checks for auditors; billing
 * runs the flow (contracts, progress, certification, issue, void, credit notes, payments,
 * reminders); finance records payments and write-offs but changes no contract; auditors only read;
 * admins do everything.
 */
function allowed(method: string, path: string): Role[] {
  if (path.startsWith('/audit/')) return ['auditor', 'admin'];
  if (method === 'get') return ROLES;
  if (path.endsWith('/write-off')) return ['finance', 'admin'];
  if (path.endsWith('/costs')) return ['billing', 'finance', 'admin'];
  if (/^\/accounts\/\{customerId\}\/(payments|credit-applications)/.test(path))
    return ['billing', 'finance', 'admin'];
  return ['billing', 'admin'];
}

describe('who may do what: every operation of the document under every identity (issue 8)', () => {
  let test: TestApp;
  let api: DocumentedClient;
  let ids: TenantIds;
  const head = () => test.infrastructure.eventStore.headPosition();

  beforeAll(async () => {
    test = await startTestApp();
    const doc = (await test.client.get('/docs-json')).body as OpenApi;
    api = new DocumentedClient(test.app, new SchemaChecker(doc), test.token);
    ids = await seedTenant(api, {});
    await test.settle();
  }, 60_000);
  afterAll(() => test.close());

  it('names every operation of the document in the access matrix (one it misses is for admins only)', () => {
    const missing = operationsOf(api.doc).filter(
      ({ method, path }) => !isListed(method, path.replace(/\{(\w+)\}/g, ':$1')),
    );
    expect(missing.map(({ method, path }) => `${method.toUpperCase()} ${path}`)).toEqual([]);
  });

  it('answers 401 without a valid token, 403 outside the role, never 5xx, and appends only where the matrix allows', async () => {
    const hour = 3600_000;
    const refused = {
      'no token': undefined,
      'an expired token': await testToken(
        {},
        { now: new Date(Date.now() - 2 * hour), expiresIn: '1h' },
      ),
      'a token signed by another key (same kid)': await testToken(
        {},
        { key: { ...newSigningKey(), kid: TEST_KEY.kid } },
      ),
      'a token signed by an unknown key': await testToken({}, { key: newSigningKey() }),
      'a token for another audience': await testToken({}, { audience: 'urn:someone-else' }),
      'a token from another issuer': await testToken({}, { issuer: 'https://issuer.example' }),
    };
    const roleTokens = Object.fromEntries(
      await Promise.all(
        ROLES.map(async (role) => [
          role,
          await testToken({ roles: [role], subject: `${role}-user` }),
        ]),
      ),
    );
    const wrong: string[] = [];
    const moved = new Set<string>();
    // Mutations last, contracts' before payments': each role's call meets the state the earlier
    // ones left.
    const operations = operationsOf(api.doc).sort(
      (a, b) => Number(a.method === 'post') - Number(b.method === 'post'),
    );
    for (const { method, path } of operations) {
      const name = `${method.toUpperCase()} ${path}`;
      const call = async (who: string, token: string | undefined) => {
        await test.settle();
        const before = await head();
        // Every answer is checked against the document too; a mismatch is reported with the rest,
        // not instead of it.
        const answer = await api
          .call(method as 'get' | 'post', path, {
            ...requestFor(api, method, path, ids),
            headers: { authorization: token ? `Bearer ${token}` : '' },
          })
          .catch(
            (error: Error): Answer => (
              wrong.push(`${name} as ${who}: ${error.message.split('\n')[0]}`),
              { status: 0, body: {}, headers: {} }
            ),
          );
        await test.settle();
        return { answer, changed: (await head()) !== before, who };
      };
      if (path.startsWith('/health/')) {
        const { answer } = await call('no token', undefined);
        if (answer.status !== 200)
          wrong.push(`${name} without a token: ${answer.status}, not open`);
        continue;
      }
      for (const [who, token] of Object.entries(refused)) {
        const { answer, changed } = await call(who, token);
        if (
          answer.status !== 401 ||
          !/^Bearer realm="billing"/.test(answer.headers['www-authenticate'] ?? '')
        )
          wrong.push(`${name} with ${who}: ${answer.status} ${answer.body?.detail}`);
        if (changed) wrong.push(`${name} with ${who}: the store's head moved`);
      }
      for (const role of ROLES) {
        const { answer, changed } = await call(role, roleTokens[role]);
        const may = allowed(method, path).includes(role);
        if (may && (answer.status === 401 || answer.status === 403 || answer.status >= 500))
          wrong.push(`${name} as ${role}: ${answer.status} ${answer.body?.detail}, not allowed`);
        if (!may && answer.status !== 403)
          wrong.push(`${name} as ${role}: ${answer.status}, not 403`);
        if (changed && (!may || method === 'get'))
          wrong.push(`${name} as ${role}: the store's head moved`);
        if (changed) moved.add(name);
      }
    }
    expect(wrong).toEqual([]);
    expect(operations.length).toBeGreaterThanOrEqual(42);
    // The allowed commands did run: many appended (others met a state that refuses them, 409 or
    // 422, which is allowed too).
    expect(moved.size).toBeGreaterThanOrEqual(10);
  }, 180_000);
});
