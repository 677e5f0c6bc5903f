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
  {
    id: '0400-audit-hash-chain',
    owner: 'audit',
    // Every function is qualified with the tenant schema and pins its own search_path, so
    // nothing here depends on the caller's session (SECURITY DEFINER functions must).
    up: ({ schema, role }) => `
      -- The writer numbers events itself, under the chain-head lock: gap-free, unlike an identity.
      ALTER TABLE audit_events ALTER COLUMN seq DROP IDENTITY;
      ALTER TABLE audit_events ALTER COLUMN occurred_at DROP DEFAULT;
      ALTER TABLE audit_events
        ADD COLUMN prev_hash bytea CHECK (octet_length(prev_hash) = 32),
        ADD COLUMN hash bytea CHECK (octet_length(hash) = 32);

      -- One row: where the chain ends. Events at or below genesis_seq predate the chain.
      CREATE TABLE audit_chain_head (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        tenant_id uuid, -- from the schema name; NULL only in a schema that is not a tenant's
        genesis_seq bigint NOT NULL,
        last_seq bigint NOT NULL,
        last_hash bytea NOT NULL CHECK (octet_length(last_hash) = 32),
        last_occurred_at timestamptz
      );
      INSERT INTO audit_chain_head (tenant_id, genesis_seq, last_seq, last_hash, last_occurred_at)
      SELECT substring(current_schema() FROM '^tenant_([0-9a-f]{32})$')::uuid, coalesce(max(seq), 0), coalesce(max(seq), 0),
             decode(repeat('00', 32), 'hex'), max(occurred_at)
        FROM audit_events;

      -- Signed heads (tenant, seq, hash, time); the token is a JWS by the platform audit key.
      CREATE TABLE audit_checkpoints (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        seq bigint NOT NULL,
        hash bytea NOT NULL CHECK (octet_length(hash) = 32),
        signed_at timestamptz NOT NULL,
        key_id text NOT NULL,
        token text NOT NULL
      );
      CREATE INDEX audit_checkpoints_seq_idx ON audit_checkpoints (seq DESC);

      -- Locks and returns the head: appends of one tenant queue here, so the chain never forks.
      CREATE FUNCTION ${schema}.audit_chain_lock()
        RETURNS TABLE (tenant_id uuid, last_seq bigint, last_hash bytea, last_occurred_at timestamptz)
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
        AS $fn$
        BEGIN
          RETURN QUERY SELECT h.tenant_id, h.last_seq, h.last_hash, h.last_occurred_at
            FROM ${schema}.audit_chain_head h FOR UPDATE;
        END $fn$;

      -- Refuses any event that does not extend the head by exactly one link, then advances it.
      CREATE FUNCTION ${schema}.audit_events_link() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
        AS $fn$
        DECLARE
          head record;
        BEGIN
          SELECT h.last_seq, h.last_hash INTO head FROM ${schema}.audit_chain_head h FOR UPDATE;
          IF NEW.hash IS NULL OR NEW.seq IS DISTINCT FROM head.last_seq + 1 OR NEW.prev_hash IS DISTINCT FROM head.last_hash THEN
            RAISE EXCEPTION 'audit event % does not extend the chain head %', NEW.seq, head.last_seq
              USING ERRCODE = 'serialization_failure';
          END IF;
          UPDATE ${schema}.audit_chain_head
             SET last_seq = NEW.seq, last_hash = NEW.hash, last_occurred_at = NEW.occurred_at;
          RETURN NEW;
        END $fn$;

      -- Append-only for everyone, owner and superuser included (tampering needs DISABLE TRIGGER).
      CREATE FUNCTION ${schema}.audit_refuse_change() RETURNS trigger
        LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
        AS $fn$
        BEGIN
          RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
        END $fn$;

      -- The head moves only through the link trigger (trigger depth 2), never by a direct statement.
      CREATE FUNCTION ${schema}.audit_head_guard() RETURNS trigger
        LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
        AS $fn$
        BEGIN
          IF TG_OP = 'UPDATE' AND pg_trigger_depth() > 1 THEN RETURN NEW; END IF;
          RAISE EXCEPTION 'audit_chain_head moves only by appending events: % refused', TG_OP
            USING ERRCODE = 'insufficient_privilege';
        END $fn$;

      CREATE TRIGGER audit_events_link BEFORE INSERT ON audit_events
        FOR EACH ROW EXECUTE FUNCTION ${schema}.audit_events_link();
      CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
        FOR EACH ROW EXECUTE FUNCTION ${schema}.audit_refuse_change();
      CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
        FOR EACH STATEMENT EXECUTE FUNCTION ${schema}.audit_refuse_change();
      CREATE TRIGGER audit_chain_head_guard BEFORE UPDATE OR DELETE ON audit_chain_head
        FOR EACH ROW EXECUTE FUNCTION ${schema}.audit_head_guard();
      CREATE TRIGGER audit_chain_head_no_truncate BEFORE TRUNCATE ON audit_chain_head
        FOR EACH STATEMENT EXECUTE FUNCTION ${schema}.audit_refuse_change();
      CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_checkpoints
        FOR EACH ROW EXECUTE FUNCTION ${schema}.audit_refuse_change();
      CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
        FOR EACH STATEMENT EXECUTE FUNCTION ${schema}.audit_refuse_change();

      -- The tenant role reads and appends; it gets no UPDATE, DELETE or TRUNCATE on any audit table.
      REVOKE ALL ON FUNCTION ${schema}.audit_chain_lock() FROM PUBLIC;
      GRANT EXECUTE ON FUNCTION ${schema}.audit_chain_lock() TO ${role};
      GRANT SELECT ON audit_chain_head TO ${role};
      GRANT SELECT, INSERT ON audit_checkpoints TO ${role};
    `,
  },
  {
    id: '0401-audit-search-indexes',
    owner: 'audit',
    // Search pages newest first by sequence; each filter gets an index that ends in seq.
    up: () => `
      CREATE INDEX audit_events_actor_idx ON audit_events (actor_id, seq DESC);
      CREATE INDEX audit_events_resource_idx ON audit_events (resource_type, resource_id, seq DESC);
      CREATE INDEX audit_events_action_idx ON audit_events (action text_pattern_ops, seq DESC);
    `,
  },
  {
    id: '0402-audit-retention-purges',
    owner: 'audit',
    // Retention is the one way events leave the chain: a signed purge record first, then a
    // DELETE of events at or below it. The record anchors the chain's new start.
    up: ({ schema, role }) => `
      CREATE TABLE audit_purges (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        through_seq bigint NOT NULL,
        through_hash bytea NOT NULL CHECK (octet_length(through_hash) = 32),
        cutoff timestamptz NOT NULL,
        events bigint NOT NULL CHECK (events >= 0),
        purged_at timestamptz NOT NULL,
        key_id text NOT NULL,
        token text NOT NULL
      );
      CREATE INDEX audit_purges_through_idx ON audit_purges (through_seq DESC);
      CREATE TRIGGER audit_purges_append_only BEFORE UPDATE OR DELETE ON audit_purges
        FOR EACH ROW EXECUTE FUNCTION ${schema}.audit_refuse_change();
      CREATE TRIGGER audit_purges_no_truncate BEFORE TRUNCATE ON audit_purges
        FOR EACH STATEMENT EXECUTE FUNCTION ${schema}.audit_refuse_change();

      -- DELETE passes only for events a purge record already covers; UPDATE never does.
      CREATE FUNCTION ${schema}.audit_events_purge_guard() RETURNS trigger
        LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
        AS $fn$
        BEGIN
          IF OLD.seq <= (SELECT max(p.through_seq) FROM ${schema}.audit_purges p) THEN RETURN OLD; END IF;
          RAISE EXCEPTION 'audit_events is append-only: DELETE of event % refused (no purge record covers it)', OLD.seq
            USING ERRCODE = 'insufficient_privilege';
        END $fn$;
      DROP TRIGGER audit_events_append_only ON audit_events;
      CREATE TRIGGER audit_events_append_only BEFORE UPDATE ON audit_events
        FOR EACH ROW EXECUTE FUNCTION ${schema}.audit_refuse_change();
      CREATE TRIGGER audit_events_delete_purged_only BEFORE DELETE ON audit_events
        FOR EACH ROW EXECUTE FUNCTION ${schema}.audit_events_purge_guard();

      -- Readable by the tenant (verification needs the anchor); written only by the retention job.
      GRANT SELECT ON audit_purges TO ${role};
    `,
  },
  {
    id: '0403-audit-chain-lock-queue',
    owner: 'audit',
    // Appenders queue on an advisory lock keyed by this tenant's head table (unique per schema),
    // granted in arrival order one at a time, instead of all waking on every row-lock release.
    up: ({ schema }) => `
      CREATE OR REPLACE FUNCTION ${schema}.audit_chain_lock()
        RETURNS TABLE (tenant_id uuid, last_seq bigint, last_hash bytea, last_occurred_at timestamptz)
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
        AS $fn$
        BEGIN
          PERFORM pg_advisory_xact_lock((7411032::bigint << 32) | '${schema}.audit_chain_head'::regclass::oid::bigint);
          RETURN QUERY SELECT h.tenant_id, h.last_seq, h.last_hash, h.last_occurred_at
            FROM ${schema}.audit_chain_head h FOR UPDATE;
        END $fn$;
    `,
  },
];
