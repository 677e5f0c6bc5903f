import { randomUUID } from 'node:crypto';
import { chainHash, type ChainedEventContent } from '@tenantry/audit-writer';
import { withTenant } from '@tenantry/tenancy';
import { createMember, createStaff, createTenant, errorCodes, graphql, useStack } from '@tenantry/testing';

const CREATE = 'mutation ($input: CreateTenantInput!) { createTenant(input: $input) { id slug } }';
const EVENTS = `query ($filter: AuditEventFilter) {
  platformAuditEvents(filter: $filter) { edges { node { sequence action actorType actorId resourceType resourceId changes } } }
}`;
const VERIFY = '{ verifyPlatformAuditChain { ok checkedEvents firstBreak { sequence reason } } }';

describe("the platform's own audit chain", () => {
  const fixture = useStack();

  async function staffToken(role: 'platform_admin' | 'support' = 'platform_admin') {
    const staff = await createStaff(fixture.db.dataSource, role);
    return { staff, token: await fixture.stack.token({ userId: staff.id, platformRole: role }) };
  }

  it('records tenant creation by platform staff, chained and verifiable, in the same transaction as the tenant', async () => {
    const { staff, token } = await staffToken();
    const slug = `plat-${randomUUID().slice(0, 8)}`;

    const created = await graphql<{ createTenant: { id: string } }>(fixture.stack.gatewayUrl, CREATE, {
      token,
      variables: { input: { slug, name: 'Plat Co' } },
    });
    const duplicate = await graphql(fixture.stack.gatewayUrl, CREATE, { token, variables: { input: { slug, name: 'Again' } } });

    expect(errorCodes(created)).toEqual([]);
    expect(errorCodes(duplicate)).toEqual(['CONFLICT']);
    const tenantId = created.body.data!.createTenant.id;
    const events = await graphql<{ platformAuditEvents: { edges: { node: Record<string, unknown> }[] } }>(
      fixture.stack.gatewayUrl,
      EVENTS,
      {
        token,
        variables: { filter: { resourceId: tenantId } },
      },
    );
    expect(errorCodes(events)).toEqual([]);
    // One event: the refused duplicate left nothing behind.
    expect(events.body.data!.platformAuditEvents.edges.map((e) => e.node)).toEqual([
      {
        sequence: expect.any(String),
        action: 'tenant.created',
        actorType: 'platform_staff',
        actorId: staff.id,
        resourceType: 'tenant',
        resourceId: tenantId,
        changes: {
          slug: { to: slug },
          name: { to: 'Plat Co' },
          plan: { to: 'free' },
          status: { to: 'active' },
          dataResidency: { to: 'us' },
        },
      },
    ]);
    const [row] = await fixture.db.dataSource.query(`SELECT tenant_id FROM platform.audit_events WHERE resource_id = $1`, [tenantId]);
    expect(row.tenant_id).toBe(tenantId);
    const verified = await graphql<{ verifyPlatformAuditChain: { ok: boolean } }>(fixture.stack.gatewayUrl, VERIFY, { token });
    expect(verified.body.data!.verifyPlatformAuditChain).toMatchObject({ ok: true, firstBreak: null });
  });

  it('exports the platform chain with each event naming its tenant, re-hashable by a holder', async () => {
    const { token } = await staffToken();
    const created = await graphql<{ createTenant: { id: string } }>(fixture.stack.gatewayUrl, CREATE, {
      token,
      variables: { input: { slug: `plat-${randomUUID().slice(0, 8)}`, name: 'Exported' } },
    });
    const res = await graphql<{
      exportPlatformAuditEvents: { document: string; anchorHash: string; lastHash: string; verification: { ok: boolean } };
    }>(fixture.stack.gatewayUrl, '{ exportPlatformAuditEvents { document anchorHash lastHash verification { ok } } }', { token });

    expect(errorCodes(res)).toEqual([]);
    const exported = res.body.data!.exportPlatformAuditEvents;
    expect(exported.verification.ok).toBe(true);
    const lines = exported.document
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as ChainedEventContent & { prevHash: string; hash: string });
    expect(lines.at(-1)).toMatchObject({ action: 'tenant.created', tenantId: created.body.data!.createTenant.id });
    let previous = exported.anchorHash;
    for (const { prevHash, hash, ...content } of lines) {
      expect(chainHash(Buffer.from(prevHash, 'hex'), content).toString('hex')).toBe(hash);
      expect(prevHash).toBe(previous);
      previous = hash;
    }
    expect(previous).toBe(exported.lastHash);
  });

  it('detects an edited platform event, and a checkpoint signs its head', async () => {
    const { token } = await staffToken();
    await graphql(fixture.stack.gatewayUrl, CREATE, {
      token,
      variables: { input: { slug: `plat-${randomUUID().slice(0, 8)}`, name: 'Two' } },
    });
    const checkpoint = await graphql<{ createPlatformAuditCheckpoint: { sequence: string } }>(
      fixture.stack.gatewayUrl,
      'mutation { createPlatformAuditCheckpoint { sequence } }',
      { token },
    );
    expect(errorCodes(checkpoint)).toEqual([]);
    const [head] = await fixture.db.dataSource.query(`SELECT last_seq::text AS seq FROM platform.audit_chain_head`);
    expect(checkpoint.body.data!.createPlatformAuditCheckpoint.sequence).toBe(head.seq);

    await fixture.db.dataSource.transaction(async (m) => {
      await m.query(`ALTER TABLE platform.audit_events DISABLE TRIGGER USER`);
      await m.query(`UPDATE platform.audit_events SET actor_id = 'nobody' WHERE seq = 1`);
      await m.query(`ALTER TABLE platform.audit_events ENABLE TRIGGER USER`);
    });
    const verified = await graphql<{ verifyPlatformAuditChain: { ok: boolean; firstBreak: unknown } }>(fixture.stack.gatewayUrl, VERIFY, {
      token,
    });

    expect(verified.body.data!.verifyPlatformAuditChain).toMatchObject({
      ok: false,
      firstBreak: { sequence: '1', reason: 'CONTENT_MISMATCH' },
    });
  });

  it('is refused to tenant admins and to SQL running as a tenant role', async () => {
    const tenant = await createTenant(fixture.db.dataSource, { plan: 'enterprise' });
    const admin = await createMember(fixture.db.dataSource, tenant.id, 'owner');
    const token = await fixture.stack.token({ userId: admin.id, tenantId: tenant.id, role: 'owner' });

    expect(errorCodes(await graphql(fixture.stack.gatewayUrl, EVENTS, { token }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await graphql(fixture.stack.gatewayUrl, VERIFY, { token }))).toEqual(['FORBIDDEN']);
    await expect(withTenant(fixture.db.dataSource, tenant.id, (m) => m.query('SELECT * FROM platform.audit_events'))).rejects.toMatchObject(
      {
        code: '42501',
      },
    );
  });

  it('lets support staff read but not checkpoint', async () => {
    const { token } = await staffToken('support');
    expect(errorCodes(await graphql(fixture.stack.gatewayUrl, VERIFY, { token }))).toEqual([]);
    expect(
      errorCodes(await graphql(fixture.stack.gatewayUrl, 'mutation { createPlatformAuditCheckpoint { sequence } }', { token })),
    ).toEqual(['FORBIDDEN']);
  });
});
