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

      -- The tenant a tenant role stands for, read from the role itself (tenant_<32 hex>_rw):
      -- unlike a setting, a role cannot be changed by the SQL it runs to another tenant's.
      CREATE FUNCTION platform.current_tenant_id() RETURNS uuid
        LANGUAGE sql STABLE PARALLEL SAFE
        AS $$ SELECT CASE WHEN current_user ~ '^tenant_[0-9a-f]{32}_rw$'
                          THEN substring(current_user FROM 8 FOR 32)::uuid END $$;

      -- Tenant roles see only their own registry row: the tripwire behind search_path.
      ALTER TABLE platform.tenants ENABLE ROW LEVEL SECURITY;
      CREATE POLICY tenants_own_row ON platform.tenants TO ${tenantGroupRole}
        USING (id = platform.current_tenant_id());
      GRANT SELECT, UPDATE (name, updated_at) ON platform.tenants TO ${tenantGroupRole};
    `,
  },
];
