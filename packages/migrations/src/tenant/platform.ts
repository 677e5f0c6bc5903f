import type { PlatformMigration } from '../migration';

export const tenantPlatformMigrations: PlatformMigration[] = [
  {
    id: '0001-tenant-registry',
    owner: 'tenant',
    up: ({ tenantGroupRole }) => `
      CREATE TABLE platform.tenants (
        id uuid PRIMARY KEY,
        slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$'),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('trial', 'active', 'suspended', 'cancelled')),
        plan text NOT NULL DEFAULT 'free',
        schema_version integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX tenants_schema_version_idx ON platform.tenants (schema_version);

      -- Tenant roles see only their own registry row: the tripwire behind search_path.
      ALTER TABLE platform.tenants ENABLE ROW LEVEL SECURITY;
      CREATE POLICY tenants_own_row ON platform.tenants TO ${tenantGroupRole}
        USING (id = nullif(current_setting('tenantry.tenant_id', true), '')::uuid);
      GRANT SELECT, UPDATE (name, updated_at) ON platform.tenants TO ${tenantGroupRole};
    `,
  },
];
