import { randomUUID } from 'node:crypto';
import { expireTrials } from '@tenantry/subgraph-tenant';
import { tenantSchemaName, withTenant } from '@tenantry/tenancy';
import { createMember, createStaff, createTenant, errorCodes, graphql, type TestTenant, useStack } from '@tenantry/testing';

const CHANGE_STATUS = `mutation S($tenantId: ID!, $status: TenantStatus!) { changeTenantStatus(input: { tenantId: $tenantId, status: $status }) { status } }`;
const RENAME = 'mutation { renameTenant(input: { name: "Renamed" }) { name } }';
const RECORD = 'mutation { recordUsage(input: { resource: "api_calls", amount: 1 }) { used } }';
const CHANGE_ROLE = `mutation C($userId: ID!) { changeMemberRole(input: { userId: $userId, role: VIEWER }) { role } }`;

describe('tenant lifecycle (through the gateway)', () => {
  const fixture = useStack();
  let staffToken: string;
  beforeAll(async () => {
    const staff = await createStaff(fixture.db.dataSource, 'platform_admin');
    staffToken = await fixture.stack.token({ userId: staff.id, platformRole: 'platform_admin' });
  });

  const audit = (tenant: TestTenant) =>
    fixture.db.dataSource.query(`SELECT action, actor_type, changes FROM "${tenantSchemaName(tenant.id)}".audit_events ORDER BY seq`);

  async function setStatus(tenant: TestTenant, status: string) {
    return graphql<{ changeTenantStatus: { status: string } }>(fixture.stack.gatewayUrl, CHANGE_STATUS, {
      token: staffToken,
      variables: { tenantId: tenant.id, status },
    });
  }

  /** A tenant with an owner and a member, and tokens for both. */
  async function populatedTenant() {
    const tenant = await createTenant(fixture.db.dataSource, { name: 'Original', plan: 'enterprise' });
    const owner = await createMember(fixture.db.dataSource, tenant.id, 'owner');
    const member = await createMember(fixture.db.dataSource, tenant.id, 'member');
    return {
      tenant,
      member,
      ownerToken: await fixture.stack.token({ userId: owner.id, tenantId: tenant.id, role: 'owner' }),
      memberToken: await fixture.stack.token({ userId: member.id, tenantId: tenant.id, role: 'member' }),
    };
  }

  it('moves active -> suspended -> active, audited as platform staff', async () => {
    const tenant = await createTenant(fixture.db.dataSource);
    expect((await setStatus(tenant, 'SUSPENDED')).body.data).toEqual({ changeTenantStatus: { status: 'SUSPENDED' } });
    expect((await setStatus(tenant, 'ACTIVE')).body.data).toEqual({ changeTenantStatus: { status: 'ACTIVE' } });
    expect(await audit(tenant)).toEqual([
      { action: 'tenant.status_changed', actor_type: 'platform_staff', changes: { status: { from: 'active', to: 'suspended' } } },
      { action: 'tenant.status_changed', actor_type: 'platform_staff', changes: { status: { from: 'suspended', to: 'active' } } },
    ]);
  });

  it('refuses a transition the table does not allow with CONFLICT and changes nothing', async () => {
    const tenant = await createTenant(fixture.db.dataSource);
    expect(errorCodes(await setStatus(tenant, 'CANCELLED'))).toEqual([]);
    const back = await setStatus(tenant, 'ACTIVE');
    expect(back.body.errors![0]!.extensions).toMatchObject({
      code: 'CONFLICT',
      reason: 'INVALID_TRANSITION',
      from: 'cancelled',
      to: 'active',
    });
    const [row] = await fixture.db.dataSource.query(`SELECT status FROM platform.tenants WHERE id = $1`, [tenant.id]);
    expect(row.status).toBe('cancelled');
  });

  it('refuses status changes to tenant owners with FORBIDDEN', async () => {
    const { tenant, ownerToken } = await populatedTenant();
    const res = await graphql(fixture.stack.gatewayUrl, CHANGE_STATUS, {
      token: ownerToken,
      variables: { tenantId: tenant.id, status: 'ACTIVE' },
    });
    expect(errorCodes(res)).toEqual(['FORBIDDEN']);
  });

  describe('a suspended tenant', () => {
    it('can still read through every subgraph', async () => {
      const { tenant, ownerToken } = await populatedTenant();
      await setStatus(tenant, 'SUSPENDED');
      const res = await graphql(
        fixture.stack.gatewayUrl,
        '{ currentTenant { status usage { used } } members { role } auditEvents(first: 5) { edges { node { action } } } }',
        { token: ownerToken },
      );
      expect(errorCodes(res)).toEqual([]);
      expect(res.body.data).toMatchObject({ currentTenant: { status: 'SUSPENDED', usage: [] } });
    });

    it('cannot renameTenant, changeMemberRole or recordUsage: TENANT_SUSPENDED, nothing written', async () => {
      const { tenant, member, ownerToken } = await populatedTenant();
      await setStatus(tenant, 'SUSPENDED');
      const eventsBefore = (await audit(tenant)).length;

      const rename = await graphql(fixture.stack.gatewayUrl, RENAME, { token: ownerToken });
      const role = await graphql(fixture.stack.gatewayUrl, CHANGE_ROLE, { token: ownerToken, variables: { userId: member.id } });
      const usage = await graphql(fixture.stack.gatewayUrl, RECORD, { token: ownerToken });

      expect([errorCodes(rename), errorCodes(role), errorCodes(usage)]).toEqual([
        ['TENANT_SUSPENDED'],
        ['TENANT_SUSPENDED'],
        ['TENANT_SUSPENDED'],
      ]);
      const [row] = await fixture.db.dataSource.query(`SELECT name FROM platform.tenants WHERE id = $1`, [tenant.id]);
      expect(row.name).toBe('Original');
      const [membership] = await fixture.db.dataSource.query(`SELECT role FROM platform.memberships WHERE user_id = $1`, [member.id]);
      expect(membership.role).toBe('member');
      const counters = await fixture.db.dataSource.query(`SELECT * FROM "${tenantSchemaName(tenant.id)}".usage_counters`);
      expect(counters).toEqual([]);
      expect((await audit(tenant)).length).toBe(eventsBefore);
    });

    it('gets a READ ONLY transaction even for a read unit, so a stray write is refused by PostgreSQL', async () => {
      const tenant = await createTenant(fixture.db.dataSource);
      await setStatus(tenant, 'SUSPENDED');
      const stray = withTenant(fixture.db.dataSource, tenant.id, (m) =>
        m.query(`INSERT INTO usage_counters (resource, period_start, used) VALUES ('api_calls', now(), 1)`),
      );
      await expect(stray).rejects.toMatchObject({ extensions: { code: 'TENANT_SUSPENDED' } });
      const write = withTenant(fixture.db.dataSource, tenant.id, async () => 'ran', 'write');
      await expect(write).rejects.toMatchObject({ extensions: { code: 'TENANT_SUSPENDED' } });
    });

    it('writes again once reactivated', async () => {
      const { tenant, ownerToken } = await populatedTenant();
      await setStatus(tenant, 'SUSPENDED');
      await setStatus(tenant, 'ACTIVE');
      const res = await graphql(fixture.stack.gatewayUrl, RENAME, { token: ownerToken });
      expect(res.body.data).toEqual({ renameTenant: { name: 'Renamed' } });
    });
  });

  describe('a cancelled tenant', () => {
    it('can no longer read or write its data (FORBIDDEN, TENANT_CANCELLED), yet sees that it is cancelled', async () => {
      const { tenant, ownerToken } = await populatedTenant();
      await setStatus(tenant, 'CANCELLED');
      const status = await graphql(fixture.stack.gatewayUrl, '{ currentTenant { status } }', { token: ownerToken });
      const members = await graphql(fixture.stack.gatewayUrl, '{ members { role } }', { token: ownerToken });
      const usage = await graphql(fixture.stack.gatewayUrl, RECORD, { token: ownerToken });
      expect(status.body.data).toEqual({ currentTenant: { status: 'CANCELLED' } });
      expect(members.body.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'TENANT_CANCELLED' });
      expect(usage.body.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'TENANT_CANCELLED' });
    });

    it('keeps the export unit, read only', async () => {
      const tenant = await createTenant(fixture.db.dataSource);
      await setStatus(tenant, 'CANCELLED');
      const rows = await withTenant(
        fixture.db.dataSource,
        tenant.id,
        (m) => m.query(`SELECT count(*)::int AS n FROM audit_events`),
        'export',
      );
      expect(rows).toEqual([{ n: 1 }]);
      const write = withTenant(
        fixture.db.dataSource,
        tenant.id,
        (m) => m.query(`INSERT INTO usage_counters (resource, period_start) VALUES ('x', now())`),
        'export',
      );
      await expect(write).rejects.toMatchObject({ extensions: { code: 'TENANT_SUSPENDED' } });
    });
  });

  describe('trials', () => {
    async function trialTenant(endsInMs: number) {
      const { tenant, ownerToken } = await populatedTenant();
      await fixture.db.dataSource.query(
        `UPDATE platform.tenants SET status = 'trial', trial_ends_at = now() + $2 * interval '1 millisecond' WHERE id = $1`,
        [tenant.id, endsInMs],
      );
      return { tenant, ownerToken };
    }

    it('a running trial reads and writes', async () => {
      const { ownerToken } = await trialTenant(86_400_000);
      const status = await graphql(fixture.stack.gatewayUrl, '{ currentTenant { status } }', { token: ownerToken });
      const rename = await graphql(fixture.stack.gatewayUrl, RENAME, { token: ownerToken });
      expect(status.body.data).toEqual({ currentTenant: { status: 'TRIAL' } });
      expect(rename.body.data).toEqual({ renameTenant: { name: 'Renamed' } });
    });

    it('an expired trial is already suspended at read time, before any job runs', async () => {
      const { tenant, ownerToken } = await trialTenant(-1000);
      const status = await graphql(fixture.stack.gatewayUrl, '{ currentTenant { status } }', { token: ownerToken });
      const usage = await graphql(fixture.stack.gatewayUrl, RECORD, { token: ownerToken });
      expect(status.body.data).toEqual({ currentTenant: { status: 'SUSPENDED' } });
      expect(errorCodes(usage)).toEqual(['TENANT_SUSPENDED']);
      const [row] = await fixture.db.dataSource.query(`SELECT status FROM platform.tenants WHERE id = $1`, [tenant.id]);
      expect(row.status).toBe('trial');
    });

    it('the expiry job moves expired trials to the configured state once, audited as the system', async () => {
      const { tenant: expired } = await trialTenant(-1000);
      const { tenant: running } = await trialTenant(86_400_000);

      const first = await expireTrials(fixture.db.dataSource);
      const second = await expireTrials(fixture.db.dataSource);

      expect(first).toContainEqual({ tenantId: expired.id, to: 'suspended' });
      expect(first.map((e) => e.tenantId)).not.toContain(running.id);
      expect(second).toEqual([]);
      const rows = await fixture.db.dataSource.query(`SELECT id, status FROM platform.tenants WHERE id = ANY($1::uuid[]) ORDER BY status`, [
        [expired.id, running.id],
      ]);
      expect(rows).toEqual([
        { id: expired.id, status: 'suspended' },
        { id: running.id, status: 'trial' },
      ]);
      const events = await audit(expired);
      expect(events.at(-1)).toMatchObject({
        action: 'tenant.trial_expired',
        actor_type: 'system',
        changes: { status: { from: 'trial', to: 'suspended' } },
      });
    });

    it('follows the configured expiry state (cancelled) both at read time and in the job', async () => {
      await fixture.db.dataSource.query(`UPDATE platform.lifecycle_policy SET trial_expires_to = 'cancelled'`);
      try {
        const { tenant, ownerToken } = await trialTenant(-1000);
        const status = await graphql(fixture.stack.gatewayUrl, '{ currentTenant { status } }', { token: ownerToken });
        expect(status.body.data).toEqual({ currentTenant: { status: 'CANCELLED' } });
        expect(await expireTrials(fixture.db.dataSource)).toContainEqual({ tenantId: tenant.id, to: 'cancelled' });
      } finally {
        await fixture.db.dataSource.query(`UPDATE platform.lifecycle_policy SET trial_expires_to = 'suspended'`);
      }
    });
  });

  it('answers NOT_FOUND for a status change of a tenant that does not exist', async () => {
    const res = await graphql(fixture.stack.gatewayUrl, CHANGE_STATUS, {
      token: staffToken,
      variables: { tenantId: randomUUID(), status: 'ACTIVE' },
    });
    expect(errorCodes(res)).toEqual(['NOT_FOUND']);
  });
});
