import type { TenantMigration } from '../migration';

export const auditTenantMigrations: TenantMigration[] = [
  {
    id: '0002-audit-events',
    owner: 'audit',
    up: ({ role }) => `
      CREATE TABLE audit_events (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id uuid NOT NULL UNIQUE,
        action text NOT NULL CHECK (action ~ '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+$'),
        actor_type text NOT NULL CHECK (actor_type IN ('user', 'api_key', 'platform_staff', 'system')),
        actor_id text,
        resource_type text NOT NULL,
        resource_id text NOT NULL,
        changes jsonb NOT NULL DEFAULT '{}'::jsonb,
        request_id text,
        occurred_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX audit_events_occurred_idx ON audit_events (occurred_at DESC, seq DESC);

      -- Append-only for the application: no UPDATE, DELETE or TRUNCATE grant.
      GRANT SELECT, INSERT ON audit_events TO ${role};
    `,
  },
];
