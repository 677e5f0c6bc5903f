import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { appendAuditEvent, appendPlatformAuditEvent } from '@tenantry/audit-writer';
import { addMembership, ensureUser } from '@tenantry/subgraph-identity';
import { provisionTenant } from '@tenantry/tenancy';

export const DEMO_TENANT_SLUG = 'demo';
export const DEMO_OWNER_EMAIL = 'owner@demo.tenantry.dev';
// Enterprise, so every capability (audit log, SSO, custom domains) can be tried in Sandbox.
export const DEMO_PLAN = 'enterprise';

export interface DemoSeed {
  tenantId: string;
  ownerId: string;
  created: boolean;
}

/** The demo tenant with its owner, created once (on first run) through the normal provisioning. */
export async function seedDemo(dataSource: DataSource): Promise<DemoSeed> {
  const found: { tenant_id: string; user_id: string }[] = await dataSource.query(
    `SELECT m.tenant_id, m.user_id FROM platform.tenants t
     JOIN platform.memberships m ON m.tenant_id = t.id AND m.role = 'owner'
     WHERE t.slug = $1 ORDER BY m.created_at LIMIT 1`,
    [DEMO_TENANT_SLUG],
  );
  if (found[0]) return { tenantId: found[0].tenant_id, ownerId: found[0].user_id, created: false };

  const tenantId = randomUUID();
  let ownerId = '';
  await provisionTenant(
    dataSource,
    { id: tenantId, slug: DEMO_TENANT_SLUG, name: 'Demo Organisation', plan: DEMO_PLAN },
    {
      beforeCommit: async (manager) => {
        const owner = await ensureUser(manager, { email: DEMO_OWNER_EMAIL, displayName: 'Demo Owner' });
        ownerId = owner.id;
        await addMembership(manager, tenantId, owner.id, 'owner');
        const event = {
          action: 'tenant.created',
          actor: { kind: 'anonymous' } as const,
          resourceType: 'tenant',
          resourceId: tenantId,
          changes: { slug: { to: DEMO_TENANT_SLUG }, seeded: { to: true } },
        };
        await appendAuditEvent(manager, event);
        await appendPlatformAuditEvent(manager, { ...event, tenantId });
      },
    },
  );
  return { tenantId, ownerId, created: true };
}
