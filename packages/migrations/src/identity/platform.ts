import type { PlatformMigration } from '../migration';

export const identityPlatformMigrations: PlatformMigration[] = [
  {
    id: '0002-identity-users-memberships',
    owner: 'identity',
    up: ({ tenantGroupRole }) => `
      CREATE TABLE platform.users (
        id uuid PRIMARY KEY,
        email text NOT NULL CHECK (email = lower(email) AND position('@' in email) > 1),
        display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
        platform_role text CHECK (platform_role IN ('platform_admin', 'support')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX users_email_key ON platform.users (email);

      CREATE TABLE platform.memberships (
        tenant_id uuid NOT NULL REFERENCES platform.tenants (id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES platform.users (id) ON DELETE CASCADE,
        role text NOT NULL CHECK (role IN ('owner', 'admin', 'manager', 'member', 'viewer')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, user_id)
      );
      CREATE INDEX memberships_user_idx ON platform.memberships (user_id);

      ALTER TABLE platform.memberships ENABLE ROW LEVEL SECURITY;
      CREATE POLICY memberships_own_tenant ON platform.memberships TO ${tenantGroupRole}
        USING (tenant_id = platform.current_tenant_id())
        WITH CHECK (tenant_id = platform.current_tenant_id());
      GRANT SELECT, INSERT, UPDATE, DELETE ON platform.memberships TO ${tenantGroupRole};

      -- A tenant sees the people who belong to it, nobody else.
      ALTER TABLE platform.users ENABLE ROW LEVEL SECURITY;
      CREATE POLICY users_of_own_tenant ON platform.users TO ${tenantGroupRole}
        USING (EXISTS (
          SELECT 1 FROM platform.memberships m
          WHERE m.user_id = users.id
            AND m.tenant_id = platform.current_tenant_id()
        ));
      GRANT SELECT ON platform.users TO ${tenantGroupRole};
    `,
  },
];
