import { auditIndexProjection } from '@billing/shared/audit';
import type { RecordedEvent } from '@billing/shared/event-store';
import request from 'supertest';
import { expectOk, smallContract, testToken, type Client } from '@billing/shared/testing';
import { DocumentedClient, SchemaChecker, type OpenApi } from './testing/openapi-document';
import { startTestApp, type TestApp } from './testing/test-app';

describe('the auditors’ read-only API (/audit)', () => {
  let test: TestApp;
  let auditor: Client;
  let contractId: string;
  const correlationId = 'audit-spec-flow-1';

  beforeAll(async () => {
    test = await startTestApp();
    auditor = await test.as({ roles: ['auditor'], subject: 'auditor-1' });
    ({ contractId } = await expectOk<any>(
      test.client.post('/contracts', smallContract({ title: 'Audited job' }), {
        'x-correlation-id': correlationId,
      }),
      'create',
    ));
    await expectOk(
      test.client.post(
        `/contracts/${contractId}/activate`,
        { date: '2026-01-05' },
        { 'x-correlation-id': correlationId },
      ),
      'activate',
    );
    await test.settle();
    await expectOk(
      test.client.post(`/contracts/${contractId}/suspend`, {
        date: '2026-01-06',
        reason: 'Owner stop-work order',
      }),
      'suspend',
    );
    await test.settle();
  }, 60_000);
  afterAll(() => test.close());

  it("pages a stream's events with who, when, why and each event's hash, as JSON or JSON lines", async () => {
    const stream = `/audit/streams/contract-${contractId}/events`;
    const all = await auditor.get(stream);
    expect([all.status, all.headers?.['x-total-count']]).toEqual([200, '3']);
    expect(
      all.body.map((entry: any) => [
        entry.revision,
        entry.type,
        entry.actor,
        entry.command,
        entry.reason,
      ]),
    ).toEqual([
      [0, 'ContractCreated', 'tester', 'CreateContract', undefined],
      [1, 'ContractActivated', 'tester', 'ActivateContract', undefined],
      [2, 'ContractSuspended', 'tester', 'SuspendContract', 'Owner stop-work order'],
    ]);
    expect(all.body[0]).toMatchObject({
      streamId: `contract-${contractId}`,
      correlationId,
      tenantId: 'default',
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const second = await auditor.get(`${stream}?limit=1&offset=1`);
    expect([second.body, second.headers?.['x-total-count']]).toEqual([[all.body[1]], '3']);
    // Page by page after the cursor of each page's Link: the same events, and a cursor that names
    // the last event by its id alone (no position in the store).
    const walked: unknown[] = [];
    for (let next: string | undefined = `${stream}?limit=2`; next;) {
      const page: { status: number; body: any; headers?: Record<string, string> } =
        await auditor.get(next);
      expect(page.status).toBe(200);
      walked.push(...page.body);
      next = /^<([^>]+)>; rel="next"$/.exec(page.headers?.link ?? '')?.[1];
      if (next) {
        const cursor = new URL(next, 'http://x').searchParams.get('after')!;
        expect(JSON.parse(Buffer.from(cursor, 'base64url').toString())).toEqual({
          id: (page.body as any[]).at(-1).eventId,
        });
      }
    }
    expect(walked).toEqual(all.body);
    expect((await auditor.get(`${stream}?offset=1&after=${'x'.repeat(8)}`)).status).toBe(400);
    // A cursor of sort values (a position made up) is refused: it would tell where the tenant's
    // events sit among every tenant's.
    const forged = Buffer.from(JSON.stringify([1, ''])).toString('base64url');
    const refused = await auditor.get(`${stream}?after=${forged}`);
    expect([refused.status, refused.body.detail]).toEqual([
      400,
      "after must be the cursor of this list's Link header",
    ]);
    const token = await testToken({ roles: ['auditor'], subject: 'auditor-1' });
    for (const [query, accept] of [
      ['?format=jsonl', '*/*'],
      ['', 'application/x-ndjson'],
    ]) {
      const lines = await request(test.app.getHttpServer())
        .get(`${stream}${query}`)
        .set({ authorization: `Bearer ${token}`, accept })
        .buffer(true);
      expect([lines.status, lines.headers['content-type']]).toEqual([200, 'application/x-ndjson']);
      expect(
        lines.text
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line)),
      ).toEqual(all.body);
    }
  });

  it('follows a flow by correlation id across streams, and a recorded time range', async () => {
    const flow = (await auditor.get(`/audit/flows/${correlationId}`)).body;
    expect(flow.map((entry: any) => entry.streamId.split('-')[0])).toEqual(
      expect.arrayContaining(['contract', 'schedule', 'billing']),
    );
    expect(new Set(flow.map((entry: any) => entry.correlationId))).toEqual(
      new Set([correlationId]),
    );
    const [created] = flow;
    const range = await auditor.get(
      `/audit/events?from=${created.recordedAt}&to=${new Date(Date.parse(created.recordedAt) + 1).toISOString()}&limit=1000`,
    );
    expect(range.status).toBe(200);
    expect(range.body.every((entry: any) => entry.recordedAt === created.recordedAt)).toBe(true);
    expect(range.body.map((entry: any) => entry.eventId)).toContain(created.eventId);
    expect((await auditor.get('/audit/flows/no-such-flow')).status).toBe(404);
    // Bounds whose offset takes them past year 0000 or 9999 keep every event between them.
    const everything = await auditor.get('/audit/events?limit=1000');
    const edges = await auditor.get(
      `/audit/events?from=${encodeURIComponent('0000-01-01T00:30:00+01:00')}&to=${encodeURIComponent('9999-12-31T23:00:00-05:00')}&limit=1000`,
    );
    expect(edges.headers?.['x-total-count']).toBe(everything.headers?.['x-total-count']);
    expect(edges.body).toEqual(everything.body);
    const before = await auditor.get(
      `/audit/events?to=${encodeURIComponent('0000-01-01T00:30:00+01:00')}`,
    );
    expect([before.body, before.headers?.['x-total-count']]).toEqual([[], '0']);
  });

  it('shows a tenant only its own events, refuses other roles, and names malformed parameters', async () => {
    const other = await test.as({
      tenantId: 'another-firm',
      roles: ['auditor'],
      subject: 'their-auditor',
    });
    expect((await other.get(`/audit/streams/contract-${contractId}/events`)).status).toBe(404);
    expect((await other.get(`/audit/flows/${correlationId}`)).status).toBe(404);
    expect((await other.get('/audit/events')).body).toEqual([]);
    expect((await other.get('/audit/verify')).body).toMatchObject({ events: 0, intact: true });
    const billing = await test.as({ roles: ['billing'], subject: 'clerk' });
    expect((await billing.get('/audit/verify')).status).toBe(403);
    for (const path of [
      '/audit/streams/Contract%20x/events',
      '/audit/events?from=yesterday',
      '/audit/events?format=xml',
      '/audit/verify?streamId=%2F',
      '/audit/events?limit=0',
    ])
      expect([path, (await auditor.get(path)).status]).toEqual([path, 400]);
  });

  it('answers as the OpenAPI document describes, in JSON, with the documented problems', async () => {
    const api = new DocumentedClient(
      test.app,
      new SchemaChecker((await test.client.get('/docs-json')).body as OpenApi),
      test.token,
    );
    const [created] = await api.expect(200, 'get', '/audit/streams/{streamId}/events', {
      params: { streamId: `contract-${contractId}` },
      query: { limit: '1' },
    });
    await api.expect(200, 'get', '/audit/flows/{correlationId}', { params: { correlationId } });
    await api.expect(200, 'get', '/audit/events', {
      query: { from: created.recordedAt, offset: '1' },
    });
    await api.expect(200, 'get', '/audit/verify', {
      query: { streamId: `schedule-${contractId}` },
    });
    await api.expect(404, 'get', '/audit/streams/{streamId}/events', {
      params: { streamId: 'contract-nope' },
    });
    await api.expect(400, 'get', '/audit/flows/{correlationId}', {
      params: { correlationId: 'a b' },
    });
  });

  it('verifies the hash chains, and names the event whose stored data changed', async () => {
    expect((await auditor.get('/audit/verify')).body).toMatchObject({
      intact: true,
      verifiedAll: true,
      unhashed: 0,
      breakCount: 0,
      breaks: [],
    });
    const streamId = `contract-${contractId}`;
    const streams = (
      test.infrastructure.eventStore as unknown as { streams: Map<string, RecordedEvent[]> }
    ).streams;
    // A stream whose every hash was removed: no break in it, and not verified either.
    const schedule = streams.get(`schedule-${contractId}`)!;
    const hashes = schedule.map((event) => event.hash);
    schedule.forEach((event) => Object.assign(event, { hash: undefined }));
    expect((await auditor.get(`/audit/verify?streamId=schedule-${contractId}`)).body).toMatchObject(
      { intact: true, verifiedAll: false, verified: 0, unhashed: schedule.length },
    );
    schedule.forEach((event, index) => Object.assign(event, { hash: hashes[index] }));
    const stored = streams.get(streamId)![2];
    stored.data = { ...(stored.data as object), reason: 'Owner stop-work order!' };
    const report = (await auditor.get(`/audit/verify?streamId=${streamId}`)).body;
    expect(report).toMatchObject({ intact: false, events: 3, verified: 2, breakCount: 1 });
    expect(report.breaks).toEqual([
      {
        streamId,
        revision: 2,
        eventId: stored.id,
        kind: 'hash',
        expected: expect.any(String),
        found: stored.hash,
      },
    ]);
    expect((await auditor.get('/audit/verify')).body.breaks).toEqual(report.breaks);
  });
});

describe('the audit index behind the /audit views', () => {
  it('keeps no command or readiness waiting, and an audit view waits for it to reach the store', async () => {
    const test = await startTestApp();
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const handle = auditIndexProjection.handle.bind(auditIndexProjection);
    const held = jest
      .spyOn(auditIndexProjection, 'handle')
      .mockImplementation(async (event, store) => (await gate, handle(event, store)));
    try {
      const auditor = await test.as({ roles: ['auditor'] });
      const correlationId = 'audit-index-held';
      await expectOk(
        test.client.post('/contracts', smallContract(), { 'x-correlation-id': correlationId }),
        'create',
      );
      // Every other read model has it; readiness does not wait on the index.
      expect((await test.client.get('/health/ready')).status).toBe(200);
      const waiting = await auditor.get(`/audit/flows/${correlationId}`);
      expect([waiting.status, waiting.body.detail]).toEqual([
        503,
        'the audit index is catching up with the event store: try again shortly',
      ]);
      release();
      const flow = await auditor.get(`/audit/flows/${correlationId}`);
      expect([flow.status, flow.body.map((entry: any) => entry.type)]).toEqual([
        200,
        ['ContractCreated'],
      ]);
    } finally {
      release();
      held.mockRestore();
      await test.close();
    }
  }, 30_000);
});
