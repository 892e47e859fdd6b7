import { execFileSync, spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const bin = (name: string) => join(root, 'node_modules', '.bin', name);

function lint(file: string, source: string): string {
  const path = join(root, file);
  writeFileSync(path, source);
  try {
    const run = spawnSync(bin('eslint'), [path], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, NX_DAEMON: 'false' },
    });
    return `${run.stdout}${run.stderr}`;
  } finally {
    rmSync(path);
  }
}

describe('module boundaries (npm run lint)', () => {
  beforeAll(
    () =>
      execFileSync(bin('nx'), ['show', 'projects'], {
        cwd: root,
        env: { ...process.env, NX_DAEMON: 'false' },
        stdio: 'ignore',
      }),
    60_000,
  );

  it('keeps Nest and other libs out of a domain lib', () => {
    const output = lint(
      'libs/contracts/domain/src/boundary-probe.ts',
      "import { Injectable } from '@nestjs/common';\nimport { ledgerDecider } from '@billing/invoicing/domain';\nexport const probe = [Injectable, ledgerDecider];\n",
    );
    expect(output).toMatch(/"type:domain" is not allowed to import "@nestjs\/common"/);
    expect(output).toMatch(/"type:domain" can only depend on libs tagged with "type:kernel"/);
  }, 60_000);

  it("keeps one context's feature out of another context's domain", () => {
    const output = lint(
      'libs/contracts/feature/src/boundary-probe.ts',
      "import { ledgerDecider } from '@billing/invoicing/domain';\nexport const probe = ledgerDecider;\n",
    );
    expect(output).toMatch(/"scope:contracts" can only depend on libs tagged with/);
  }, 60_000);

  it('reports a cycle between libs, except through a testing lib (whose specs import it back)', () => {
    const output = lint(
      'libs/shared/event-store/src/boundary-probe.ts',
      "import { describe } from '@billing/shared/read-models';\nexport const probe = describe;\n",
    );
    expect(output).toMatch(
      /Circular dependency between "shared-event-store" and "shared-read-models"/,
    );
    const testing = lint(
      'libs/shared/bus/src/boundary-probe.ts',
      "import { busConformance } from '@billing/shared/testing';\nexport const probe = busConformance;\n",
    );
    expect(testing).not.toMatch(/Circular dependency/);
  }, 60_000);

  it("lets a feature import another context's messages", () => {
    const output = lint(
      'libs/contracts/feature/src/boundary-probe.ts',
      "import { INVOICING_TOPIC } from '@billing/invoicing/messages';\nexport const probe = INVOICING_TOPIC;\n",
    );
    expect(output).not.toMatch(/enforce-module-boundaries/);
  }, 60_000);
});
