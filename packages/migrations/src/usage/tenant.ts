import type { TenantMigration } from '../migration';

export const usageTenantMigrations: TenantMigration[] = [
  {
    id: '0001-usage-counters',
    owner: 'usage',
    up: ({ role }) => `
      CREATE TABLE usage_counters (
        resource text NOT NULL CHECK (resource ~ '^[a-z][a-z0-9_]{0,62}$'),
        period_start timestamptz NOT NULL,
        used bigint NOT NULL DEFAULT 0 CHECK (used >= 0),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (resource, period_start)
      );
      GRANT SELECT, INSERT, UPDATE ON usage_counters TO ${role};
    `,
  },
];
