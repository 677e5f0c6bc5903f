import type { TenantMigration } from '../migration';

export const usageQuotaTenantMigrations: TenantMigration[] = [
  {
    id: '0300-usage-events-alerts',
    owner: 'usage',
    up: ({ role }) => `
      -- Every consumption attempt, granted or refused: the history behind charts, bills and health.
      CREATE TABLE usage_events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        resource text NOT NULL CHECK (resource ~ '^[a-z][a-z0-9_]{0,62}$'),
        amount bigint NOT NULL CHECK (amount > 0),
        outcome text NOT NULL CHECK (outcome IN ('granted', 'refused')),
        actor_type text NOT NULL,
        actor_id text,
        description text CHECK (length(description) <= 500),
        request_id text,
        occurred_at timestamptz NOT NULL
      );
      CREATE INDEX usage_events_resource_time_idx ON usage_events (resource, occurred_at);
      CREATE INDEX usage_events_time_idx ON usage_events (occurred_at);

      -- A threshold crossing is raised once per resource, period and threshold.
      CREATE TABLE usage_alerts (
        resource text NOT NULL,
        period_start timestamptz NOT NULL,
        threshold numeric(5, 4) NOT NULL CHECK (threshold > 0 AND threshold <= 1),
        used bigint NOT NULL,
        quota bigint NOT NULL,
        raised_at timestamptz NOT NULL,
        PRIMARY KEY (resource, period_start, threshold)
      );

      GRANT SELECT, INSERT ON usage_events, usage_alerts TO ${role};
    `,
  },
];
