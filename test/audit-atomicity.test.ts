import { randomUUID } from 'node:crypto';
import { appendAuditEvent } from '@tenantry/audit-writer';
import type { Principal } from '@tenantry/auth';
import { tenantSchemaName, withTenant } from '@tenantry/tenancy';
import { createMember, createTenant, errorCodes, graphql, type TestTenant, useStack } from '@tenantry/testing';

interface AuditRow {
  action: string;
  actor_type: string;
  actor_id: string | null;
  resource_type: string;
  resource_id: string;
  changes: Record<string, unknown>;
  request_id: string | null;
}

describe('audit events commit with the change they record', () => {
  const fixture = useStack();

  /** A tenant's audit trail, oldest first, read as the superuser (not through the code under test). */
  function auditTrail(tenant: TestTenant): Promise<AuditRow[]> {
    return fixture.db.dataSource.query(
      `SELECT action, actor_type, actor_id, resource_type, resource_id, changes, request_id
         FROM "${tenantSchemaName(tenant.id)}".audit_events ORDER BY seq`,
    );
  }

  async function tenantName(tenant: TestTenant): Promise<string> {
    const [row] = await fixture.db.dataSource.query(`SELECT name FROM platform.tenants WHERE id = $1`, [tenant.id]);
    return row.name;
  }

  async function memberRole(tenant: TestTenant, userId: string): Promise<string> {
    const [row] = await fixture.db.dataSource.query(`SELECT role FROM platform.memberships WHERE tenant_id = $1 AND user_id = $2`, [
      tenant.id,
      userId,
    ]);
    return row.role;
  }

  const actor: Principal = { kind: 'user', userId: randomUUID(), role: 'owner' };

  describe('inside withTenant', () => {
    it('rolls back the change when its audit event is refused', async () => {
      const tenant = await createTenant(fixture.db.dataSource, { name: 'Before' });

      const attempt = withTenant(fixture.db.dataSource, tenant.id, async (manager) => {
        await manager.query(`UPDATE platform.tenants SET name = 'After' WHERE id = $1`, [tenant.id]);
        await appendAuditEvent(manager, { action: 'Not A Valid Action', actor, resourceType: 'tenant', resourceId: tenant.id });
      });

      await expect(attempt).rejects.toMatchObject({ code: '23514' });
      expect(await tenantName(tenant)).toBe('Before');
      expect(await auditTrail(tenant)).toEqual([]);
    });

    it('rolls back the audit event when the change it records fails', async () => {
      const tenant = await createTenant(fixture.db.dataSource, { name: 'Before' });

      const attempt = withTenant(fixture.db.dataSource, tenant.id, async (manager) => {
        await appendAuditEvent(manager, {
          action: 'tenant.renamed',
          actor,
          resourceType: 'tenant',
          resourceId: tenant.id,
          changes: { name: { from: 'Before', to: '' } },
        });
        // An empty name violates the registry's CHECK: the change itself fails.
        await manager.query(`UPDATE platform.tenants SET name = '' WHERE id = $1`, [tenant.id]);
      });

      await expect(attempt).rejects.toMatchObject({ code: '23514' });
      expect(await tenantName(tenant)).toBe('Before');
      expect(await auditTrail(tenant)).toEqual([]);
    });

    it('refuses UPDATE and DELETE on audit_events to the tenant role', async () => {
      const tenant = await createTenant(fixture.db.dataSource);
      await withTenant(fixture.db.dataSource, tenant.id, (manager) =>
        appendAuditEvent(manager, { action: 'tenant.renamed', actor, resourceType: 'tenant', resourceId: tenant.id }),
      );

      const update = withTenant(fixture.db.dataSource, tenant.id, (manager) =>
        manager.query(`UPDATE audit_events SET action = 'tenant.forged'`),
      );
      const remove = withTenant(fixture.db.dataSource, tenant.id, (manager) => manager.query(`DELETE FROM audit_events`));

      await expect(update).rejects.toMatchObject({ code: '42501' });
      await expect(remove).rejects.toMatchObject({ code: '42501' });
      expect((await auditTrail(tenant)).map((e) => e.action)).toEqual(['tenant.renamed']);
    });
  });

  describe('through the gateway', () => {
    const RENAME = 'mutation Rename($name: String!) { renameTenant(input: { name: $name }) { name } }';
    const CHANGE_ROLE =
      'mutation Change($userId: ID!, $role: MemberRole!) { changeMemberRole(input: { userId: $userId, role: $role }) { role } }';

    it("records one tenant.renamed event with the names and the gateway's request id", async () => {
      const tenant = await createTenant(fixture.db.dataSource, { name: 'Old name' });
      const owner = await createMember(fixture.db.dataSource, tenant.id, 'owner');
      const token = await fixture.stack.token({ userId: owner.id, tenantId: tenant.id, role: 'owner' });

      const res = await graphql(fixture.stack.gatewayUrl, RENAME, { token, variables: { name: 'New name' } });

      expect(errorCodes(res)).toEqual([]);
      expect(res.body.data).toEqual({ renameTenant: { name: 'New name' } });
      const requestId = res.headers.get('x-request-id');
      expect(requestId).toEqual(expect.any(String));
      expect(await auditTrail(tenant)).toEqual([
        {
          action: 'tenant.renamed',
          actor_type: 'user',
          actor_id: owner.id,
          resource_type: 'tenant',
          resource_id: tenant.id,
          changes: { name: { from: 'Old name', to: 'New name' } },
          request_id: requestId,
        },
      ]);
    });

    it('records usage.recorded with the new total', async () => {
      const tenant = await createTenant(fixture.db.dataSource);
      const member = await createMember(fixture.db.dataSource, tenant.id, 'member');
      const token = await fixture.stack.token({ userId: member.id, tenantId: tenant.id, role: 'member' });

      const res = await graphql(
        fixture.stack.gatewayUrl,
        'mutation { recordUsage(input: { resource: "api_calls", amount: 3 }) { used } }',
        {
          token,
        },
      );

      expect(errorCodes(res)).toEqual([]);
      expect(res.body.data).toEqual({ recordUsage: { used: 3 } });
      expect(await auditTrail(tenant)).toEqual([
        {
          action: 'usage.recorded',
          actor_type: 'user',
          actor_id: member.id,
          resource_type: 'usage_counter',
          resource_id: 'api_calls',
          changes: { used: { to: 3 } },
          request_id: res.headers.get('x-request-id'),
        },
      ]);
    });

    it("refuses a viewer's rename with FORBIDDEN and records no change and no change event, only the refusal (ADR 0022)", async () => {
      const tenant = await createTenant(fixture.db.dataSource, { name: 'Unchanged' });
      const viewer = await createMember(fixture.db.dataSource, tenant.id, 'viewer');
      const token = await fixture.stack.token({ userId: viewer.id, tenantId: tenant.id, role: 'viewer' });

      const res = await graphql(fixture.stack.gatewayUrl, RENAME, { token, variables: { name: 'Hijacked' } });

      expect(errorCodes(res)).toEqual(['FORBIDDEN']);
      expect(await tenantName(tenant)).toBe('Unchanged');
      expect((await auditTrail(tenant)).map((e) => [e.action, e.actor_id])).toEqual([['authz.denied', viewer.id]]);
    });

    it('refuses to demote the last owner with CONFLICT and writes nothing', async () => {
      const tenant = await createTenant(fixture.db.dataSource);
      const owner = await createMember(fixture.db.dataSource, tenant.id, 'owner');
      const token = await fixture.stack.token({ userId: owner.id, tenantId: tenant.id, role: 'owner' });

      const res = await graphql(fixture.stack.gatewayUrl, CHANGE_ROLE, { token, variables: { userId: owner.id, role: 'ADMIN' } });

      expect(await memberRole(tenant, owner.id)).toBe('owner');
      expect(await auditTrail(tenant)).toEqual([]);
      expect(errorCodes(res)).toEqual(['CONFLICT']);
    });

    it("refuses an admin's grant of owner with FORBIDDEN and writes nothing", async () => {
      const tenant = await createTenant(fixture.db.dataSource);
      await createMember(fixture.db.dataSource, tenant.id, 'owner');
      const admin = await createMember(fixture.db.dataSource, tenant.id, 'admin');
      const member = await createMember(fixture.db.dataSource, tenant.id, 'member');
      const token = await fixture.stack.token({ userId: admin.id, tenantId: tenant.id, role: 'admin' });

      const res = await graphql(fixture.stack.gatewayUrl, CHANGE_ROLE, { token, variables: { userId: member.id, role: 'OWNER' } });

      expect(await memberRole(tenant, member.id)).toBe('member');
      expect(await auditTrail(tenant)).toEqual([]);
      expect(errorCodes(res)).toEqual(['FORBIDDEN']);
    });
  });
});
