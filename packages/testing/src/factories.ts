import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { TenantRole } from '@tenantry/auth';
import { addMembership, ensureUser } from '@tenantry/subgraph-identity';
import { provisionTenant } from '@tenantry/tenancy';

export interface TestTenant {
  id: string;
  slug: string;
}

export interface TestUser {
  id: string;
  email: string;
}

let counter = 0;
const unique = (prefix: string) => `${prefix}-${process.pid}-${++counter}-${randomUUID().slice(0, 6)}`;

/** A fully provisioned tenant (schema, role, every tenant migration). */
export async function createTenant(
  dataSource: DataSource,
  overrides: Partial<{ slug: string; name: string; plan: string }> = {},
): Promise<TestTenant> {
  const id = randomUUID();
  const slug = overrides.slug ?? unique('t');
  await provisionTenant(dataSource, { id, slug, name: overrides.name ?? `Tenant ${slug}`, plan: overrides.plan ?? 'free' });
  return { id, slug };
}

/** A person who belongs to `tenantId` with `role`. */
export async function createMember(
  dataSource: DataSource,
  tenantId: string,
  role: TenantRole,
  email = `${unique('u')}@example.test`,
): Promise<TestUser> {
  return dataSource.transaction(async (manager) => {
    const user = await ensureUser(manager, { email, displayName: email.split('@')[0]! });
    await addMembership(manager, tenantId, user.id, role);
    return { id: user.id, email: user.email };
  });
}

/** A platform staff account (no membership). */
export async function createStaff(
  dataSource: DataSource,
  platformRole: 'platform_admin' | 'support' = 'platform_admin',
): Promise<TestUser> {
  return dataSource.transaction(async (manager) => {
    const user = await ensureUser(manager, { email: `${unique('staff')}@example.test`, displayName: 'Staff', platformRole });
    return { id: user.id, email: user.email };
  });
}
