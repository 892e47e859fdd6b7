import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ACCESS, accessOf } from './access';
import { ROLES } from './identity';

describe('the access matrix', () => {
  it('names each operation once, as a route template', () => {
    const operations = ACCESS.flatMap((rule) => rule.operations);
    expect(
      operations.filter((operation, index) => operations.indexOf(operation) !== index),
    ).toEqual([]);
    for (const operation of operations)
      expect(operation).toMatch(/^(GET|POST) (\/(:\w+|[\w-]+))+$/);
  });

  it('keeps auditors to reads, and leaves to admins only what it does not name', () => {
    for (const rule of ACCESS)
      if (rule.roles.includes('auditor'))
        expect(rule.operations.every((operation) => operation.startsWith('GET '))).toBe(true);
    for (const rule of ACCESS) expect(rule.roles).toContain('admin');
    expect(accessOf('POST', '/tenants/:id/settings')).toEqual(['admin']);
    expect(accessOf('GET', '/health/ready')).toBe('public');
  });

  it('lets a HEAD through to whoever may GET the route (Express answers it with the GET)', () => {
    for (const operation of ACCESS.flatMap((rule) => rule.operations)) {
      const [method, route] = operation.split(' ');
      if (method === 'GET') expect(accessOf('HEAD', route)).toEqual(accessOf('GET', route));
    }
    expect(accessOf('HEAD', '/contracts')).toContain('auditor');
  });

  it('is the table README "Roles and tokens" shows, row by row', () => {
    const readme = readFileSync(join(__dirname, '../../../../README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('| may call |'));
    const lines = table.split('\n');
    const rows = lines
      .slice(
        2,
        lines.findIndex((line) => !line.startsWith('|')),
      )
      .map((line) =>
        line
          .split('|')
          .slice(2, -1)
          .map((cell) => cell.trim() === '✓'),
      );
    expect(rows).toEqual(ACCESS.map((rule) => ROLES.map((role) => rule.roles.includes(role))));
  });
});
