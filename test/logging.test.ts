import { randomUUID } from 'node:crypto';
import { generateSigningJwk, importSigningKey, issueAccessToken } from '@tenantry/auth';
import { createMember, createTenant, errorCodes, graphql, type TestTenant, type TestUser, useStack } from '@tenantry/testing';

/** Any compact JWS (header.payload.signature with a JSON header): covers the context tokens the gateway signs itself. */
const JWT = /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/;

type LogLine = Record<string, unknown> & { msg?: string; service?: string; requestId?: string };

describe('logging', () => {
  const fixture = useStack();
  let tenant: TestTenant;
  let owner: TestUser;
  let lines: LogLine[];
  const secrets: string[] = [];
  const ids = { read: `read-${randomUUID()}`, mutation: `mutate-${randomUUID()}`, refused: `refused-${randomUUID()}` };

  beforeAll(async () => {
    tenant = await createTenant(fixture.db.dataSource);
    owner = await createMember(fixture.db.dataSource, tenant.id, 'owner');

    // A session's worth of traffic: reads, a mutation, a refused token, direct subgraph calls.
    const token = await fixture.stack.token({ userId: owner.id, tenantId: tenant.id, role: 'owner' });
    const foreign = await importSigningKey(JSON.stringify((await generateSigningJwk()).privateJwk));
    const forged = await issueAccessToken(foreign, { userId: owner.id, tenantId: tenant.id, role: 'owner' }, 300);
    const context = await fixture.stack.contextToken({
      requestId: `direct-${randomUUID()}`,
      tenantId: tenant.id,
      principal: { kind: 'user', userId: owner.id, role: 'owner' },
    });
    secrets.push(token, forged, context);

    const read = await graphql(
      fixture.stack.gatewayUrl,
      '{ currentTenant { id } members { role user { email } } usageCounters { resource } }',
      {
        token,
        headers: { 'x-request-id': ids.read },
      },
    );
    const mutation = await graphql(fixture.stack.gatewayUrl, 'mutation { renameTenant(input: { name: "Renamed Co" }) { name } }', {
      token,
      headers: { 'x-request-id': ids.mutation },
    });
    const refused = await graphql(fixture.stack.gatewayUrl, '{ currentTenant { id } }', {
      token: forged,
      headers: { 'x-request-id': ids.refused },
    });
    const direct = await graphql(fixture.stack.subgraphUrls.identity, '{ members { role } }', {
      headers: { 'x-tenantry-context': context },
    });
    const directRefused = await graphql(fixture.stack.subgraphUrls.tenant, '{ currentTenant { id } }', {
      headers: { 'x-tenantry-context': forged, authorization: `Bearer ${token}` },
    });
    expect([errorCodes(read), errorCodes(mutation), refused.status, errorCodes(direct), directRefused.status]).toEqual([
      [],
      [],
      401,
      [],
      401,
    ]);

    lines = fixture.stack.logs.map((raw) => JSON.parse(raw) as LogLine);
  });

  const forRequest = (requestId: string) => lines.filter((line) => line.requestId === requestId);

  it('every captured line is one JSON object', () => {
    expect(fixture.stack.logs.length).toBeGreaterThan(0);
    for (const raw of fixture.stack.logs) expect(() => JSON.parse(raw) as unknown).not.toThrow();
  });

  it('no line contains an access token, a context token or a Bearer header', () => {
    const all = fixture.stack.logs.join('\n');
    for (const secret of secrets) expect(all).not.toContain(secret);
    expect(all).not.toContain('Bearer ');
    expect(all).not.toMatch(JWT);
  });

  it('every request log line carries a request id', () => {
    const requestLines = lines.filter((line) => line.msg === 'graphql request' || line.msg === 'request refused before execution');
    expect(requestLines.length).toBeGreaterThan(0);
    for (const line of requestLines) expect(line.requestId).toEqual(expect.any(String));
  });

  it("an authenticated read is logged by the gateway and every subgraph it reached, with the caller's tenant and principal", () => {
    const logged = forRequest(ids.read).filter((line) => line.msg === 'graphql request');
    expect(logged.map((line) => line.service).sort()).toEqual(['gateway', 'identity-subgraph', 'tenant-subgraph', 'usage-subgraph']);
    for (const line of logged) expect(line).toMatchObject({ tenantId: tenant.id, principalId: owner.id, errors: [] });
  });

  it("a mutation is logged with the caller's tenant and principal", () => {
    const logged = forRequest(ids.mutation).filter((line) => line.msg === 'graphql request');
    expect(logged.map((line) => line.service).sort()).toEqual(['gateway', 'tenant-subgraph']);
    for (const line of logged) expect(line).toMatchObject({ tenantId: tenant.id, principalId: owner.id });
  });

  it('a refused token is logged with its request id and code, and without a tenant or principal it never proved', () => {
    const logged = forRequest(ids.refused);
    expect(logged).toEqual([
      expect.objectContaining({ service: 'gateway', msg: 'request refused before execution', code: 'UNAUTHENTICATED' }),
    ]);
    expect(logged[0]).not.toHaveProperty('tenantId');
    expect(logged[0]).not.toHaveProperty('principalId');
  });
});
