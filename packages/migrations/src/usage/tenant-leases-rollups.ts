import type { TenantMigration } from '../migration';

export const usageLeaseRollupTenantMigrations: TenantMigration[] = [
  {
    id: '0520-usage-leases-rollups',
    owner: 'usage',
    up: ({ role }) => `
      -- A block of allowance taken from usage_counters (which counts it as used) and handed out
      -- unit by unit from Redis (ADR 0020). At most one open lease per counter; settling it gives
      -- back to the counter what no granted event consumed.
      CREATE TABLE usage_leases (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        resource text NOT NULL,
        period_start timestamptz NOT NULL,
        granted bigint NOT NULL CHECK (granted > 0 AND granted < 2147483648),
        consumed bigint CHECK (consumed >= 0 AND consumed <= granted),
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        settled_at timestamptz,
        CHECK ((settled_at IS NULL) = (consumed IS NULL))
      );
      CREATE UNIQUE INDEX usage_leases_one_open_idx ON usage_leases (resource, period_start) WHERE settled_at IS NULL;
      CREATE INDEX usage_leases_open_expiry_idx ON usage_leases (expires_at) WHERE settled_at IS NULL;

      -- A grant under a lease names the lease and the units of it that it used: lease id * 2^31
      -- + offset. No two grants may share a unit, so even a Redis restored from a stale snapshot
      -- cannot hand the same unit out twice.
      ALTER TABLE usage_events ADD COLUMN lease_id bigint, ADD COLUMN units int8range;
      ALTER TABLE usage_events ADD CONSTRAINT usage_events_units_once EXCLUDE USING gist (units WITH &&);
      CREATE INDEX usage_events_lease_idx ON usage_events (lease_id) WHERE lease_id IS NOT NULL;

      -- Closed hour and day buckets of usage_events, for history charts.
      CREATE TABLE usage_rollups (
        granularity text NOT NULL CHECK (granularity IN ('hour', 'day')),
        resource text NOT NULL,
        bucket_start timestamptz NOT NULL,
        granted bigint NOT NULL,
        refused bigint NOT NULL,
        PRIMARY KEY (granularity, resource, bucket_start)
      );
      -- How far each granularity is rolled up: every bucket before rolled_until is in usage_rollups.
      CREATE TABLE usage_rollup_watermarks (
        granularity text PRIMARY KEY CHECK (granularity IN ('hour', 'day')),
        rolled_until timestamptz NOT NULL
      );

      GRANT SELECT, INSERT, UPDATE ON usage_leases, usage_rollups, usage_rollup_watermarks TO ${role};
    `,
  },
];
