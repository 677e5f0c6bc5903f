import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { startTracing, stopTracing } from '@tenantry/tracing';
import {
  createMember,
  createTenant,
  createTestDatabase,
  errorCodes,
  graphql,
  startStack,
  type Stack,
  type TestDatabase,
} from '@tenantry/testing';

describe('tracing', () => {
  const exporter = new InMemorySpanExporter();
  let db: TestDatabase;
  let stack: Stack;
  beforeAll(async () => {
    startTracing({ service: 'tenantry-test', exporter: 'none', spanExporter: exporter });
    db = await createTestDatabase();
    stack = await startStack(db.url);
  });
  afterAll(async () => {
    await stack?.stop();
    await db?.drop();
    await stopTracing();
  });

  it('gives a request one trace, with a span from each subgraph it touched and its database work, and returns the trace id', async () => {
    const tenant = await createTenant(db.dataSource);
    const owner = await createMember(db.dataSource, tenant.id, 'owner');
    const token = await stack.token({ userId: owner.id, tenantId: tenant.id, role: 'owner' });
    exporter.reset();

    const res = await graphql(stack.gatewayUrl, 'query Team { members { role user { email } tenant { slug } } }', { token });
    await new Promise((resolve) => setTimeout(resolve, 50)); // spans end as responses close

    expect(errorCodes(res)).toEqual([]);
    const traceId = (res.body as { extensions?: { traceId?: string } }).extensions?.traceId;
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    const spans = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
    const names = spans.map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(['gateway.http', 'identity.request', 'tenant.request', 'db.tenant_transaction']));
    const identity = spans.find((s) => s.name === 'identity.request')!;
    expect(identity.attributes).toMatchObject({
      'tenantry.tenant_id': tenant.id,
      'graphql.operation.name': expect.stringContaining('Team'),
    });
    expect(spans.find((s) => s.name === 'db.tenant_transaction')!.attributes).toMatchObject({ 'tenantry.tenant_id': tenant.id });
    expect(
      new Set(
        exporter
          .getFinishedSpans()
          .filter((s) => s.name === 'gateway.http')
          .map((s) => s.spanContext().traceId),
      ),
    ).toEqual(new Set([traceId]));
  });

  it('writes the trace id into the request logs', async () => {
    const tenant = await createTenant(db.dataSource);
    const owner = await createMember(db.dataSource, tenant.id, 'owner');
    const token = await stack.token({ userId: owner.id, tenantId: tenant.id, role: 'owner' });

    const res = await graphql(stack.gatewayUrl, '{ currentTenant { slug } }', { token });

    const traceId = (res.body as { extensions?: { traceId?: string } }).extensions?.traceId;
    const lines = stack.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.traceId === traceId);
    expect(lines.map((l) => l.service)).toEqual(expect.arrayContaining(['gateway', 'tenant-subgraph']));
  });
});
