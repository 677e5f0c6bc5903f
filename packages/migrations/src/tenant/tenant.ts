import type { TenantMigration } from '../migration';

export const tenantTenantMigrations: TenantMigration[] = [
  {
    id: '0150-tenant-settings',
    owner: 'tenant',
    up: ({ role }) => `
      -- Typed settings (validated per key in the tenant subgraph). A plain value is JSON; a secret
      -- is only ever stored as AES-256-GCM ciphertext (iv || tag || data) under the tenant's data key.
      CREATE TABLE settings (
        key text PRIMARY KEY CHECK (key ~ '^[a-z][a-z0-9_]*([.][a-z][a-z0-9_]*)*$' AND length(key) <= 100),
        value jsonb,
        ciphertext bytea CHECK (length(ciphertext) >= 28),
        updated_by text,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((value IS NULL) <> (ciphertext IS NULL))
      );
      GRANT SELECT, INSERT, UPDATE, DELETE ON settings TO ${role};
    `,
  },
];
