import type { PlatformMigration } from '../migration';

export const auditPlatformMigrations: PlatformMigration[] = [
  {
    id: '0450-audit-platform-chain',
    owner: 'audit',
    // The platform's own trail (tenant creation, staff actions): the same chain, head,
    // checkpoints and append-only rules as a tenant's, in `platform`, written by the login role
    // only. Tenant roles get nothing here. Names are schema-qualified: provisioning writes it
    // with a tenant schema first on the search_path.
    up: () => `
      CREATE TABLE platform.audit_events (
        seq bigint PRIMARY KEY,
        id uuid NOT NULL UNIQUE,
        tenant_id uuid,
        action text NOT NULL CHECK (action ~ '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+$'),
        actor_type text NOT NULL CHECK (actor_type IN ('user', 'api_key', 'platform_staff', 'system')),
        actor_id text,
        resource_type text NOT NULL,
        resource_id text NOT NULL,
        changes jsonb NOT NULL DEFAULT '{}'::jsonb,
        request_id text,
        occurred_at timestamptz NOT NULL,
        prev_hash bytea NOT NULL CHECK (octet_length(prev_hash) = 32),
        hash bytea NOT NULL CHECK (octet_length(hash) = 32)
      );
      CREATE INDEX audit_events_occurred_idx ON platform.audit_events (occurred_at DESC, seq DESC);
      CREATE INDEX audit_events_tenant_idx ON platform.audit_events (tenant_id, seq DESC);
      CREATE INDEX audit_events_actor_idx ON platform.audit_events (actor_id, seq DESC);
      CREATE INDEX audit_events_resource_idx ON platform.audit_events (resource_type, resource_id, seq DESC);
      CREATE INDEX audit_events_action_idx ON platform.audit_events (action text_pattern_ops, seq DESC);

      CREATE TABLE platform.audit_chain_head (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        tenant_id uuid CHECK (tenant_id IS NULL),
        genesis_seq bigint NOT NULL DEFAULT 0,
        last_seq bigint NOT NULL DEFAULT 0,
        last_hash bytea NOT NULL DEFAULT decode(repeat('00', 32), 'hex') CHECK (octet_length(last_hash) = 32),
        last_occurred_at timestamptz
      );
      INSERT INTO platform.audit_chain_head DEFAULT VALUES;

      CREATE TABLE platform.audit_checkpoints (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        seq bigint NOT NULL,
        hash bytea NOT NULL CHECK (octet_length(hash) = 32),
        signed_at timestamptz NOT NULL,
        key_id text NOT NULL,
        token text NOT NULL
      );
      CREATE INDEX audit_checkpoints_seq_idx ON platform.audit_checkpoints (seq DESC);

      -- No retention job for the platform trail yet; the table keeps verification uniform.
      CREATE TABLE platform.audit_purges (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        through_seq bigint NOT NULL,
        through_hash bytea NOT NULL CHECK (octet_length(through_hash) = 32),
        cutoff timestamptz NOT NULL,
        events bigint NOT NULL CHECK (events >= 0),
        purged_at timestamptz NOT NULL,
        key_id text NOT NULL,
        token text NOT NULL
      );

      CREATE FUNCTION platform.audit_chain_lock()
        RETURNS TABLE (tenant_id uuid, last_seq bigint, last_hash bytea, last_occurred_at timestamptz)
        LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
        AS $fn$
        BEGIN
          RETURN QUERY SELECT h.tenant_id, h.last_seq, h.last_hash, h.last_occurred_at
            FROM platform.audit_chain_head h FOR UPDATE;
        END $fn$;
      REVOKE ALL ON FUNCTION platform.audit_chain_lock() FROM PUBLIC;

      CREATE FUNCTION platform.audit_events_link() RETURNS trigger
        LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
        AS $fn$
        DECLARE
          head record;
        BEGIN
          SELECT h.last_seq, h.last_hash INTO head FROM platform.audit_chain_head h FOR UPDATE;
          IF NEW.seq IS DISTINCT FROM head.last_seq + 1 OR NEW.prev_hash IS DISTINCT FROM head.last_hash THEN
            RAISE EXCEPTION 'platform audit event % does not extend the chain head %', NEW.seq, head.last_seq
              USING ERRCODE = 'serialization_failure';
          END IF;
          UPDATE platform.audit_chain_head
             SET last_seq = NEW.seq, last_hash = NEW.hash, last_occurred_at = NEW.occurred_at;
          RETURN NEW;
        END $fn$;

      CREATE FUNCTION platform.audit_refuse_change() RETURNS trigger
        LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
        AS $fn$
        BEGIN
          RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
        END $fn$;

      CREATE FUNCTION platform.audit_head_guard() RETURNS trigger
        LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
        AS $fn$
        BEGIN
          IF TG_OP = 'UPDATE' AND pg_trigger_depth() > 1 THEN RETURN NEW; END IF;
          RAISE EXCEPTION 'audit_chain_head moves only by appending events: % refused', TG_OP
            USING ERRCODE = 'insufficient_privilege';
        END $fn$;

      CREATE TRIGGER audit_events_link BEFORE INSERT ON platform.audit_events
        FOR EACH ROW EXECUTE FUNCTION platform.audit_events_link();
      CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON platform.audit_events
        FOR EACH ROW EXECUTE FUNCTION platform.audit_refuse_change();
      CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON platform.audit_events
        FOR EACH STATEMENT EXECUTE FUNCTION platform.audit_refuse_change();
      CREATE TRIGGER audit_chain_head_guard BEFORE UPDATE OR DELETE ON platform.audit_chain_head
        FOR EACH ROW EXECUTE FUNCTION platform.audit_head_guard();
      CREATE TRIGGER audit_chain_head_no_truncate BEFORE TRUNCATE ON platform.audit_chain_head
        FOR EACH STATEMENT EXECUTE FUNCTION platform.audit_refuse_change();
      CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON platform.audit_checkpoints
        FOR EACH ROW EXECUTE FUNCTION platform.audit_refuse_change();
      CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON platform.audit_checkpoints
        FOR EACH STATEMENT EXECUTE FUNCTION platform.audit_refuse_change();
      CREATE TRIGGER audit_purges_append_only BEFORE UPDATE OR DELETE ON platform.audit_purges
        FOR EACH ROW EXECUTE FUNCTION platform.audit_refuse_change();
      CREATE TRIGGER audit_purges_no_truncate BEFORE TRUNCATE ON platform.audit_purges
        FOR EACH STATEMENT EXECUTE FUNCTION platform.audit_refuse_change();
    `,
  },
  {
    id: '0530-audit-platform-retention',
    owner: 'audit',
    // Retention for the platform trail, as for a tenant's (0402): DELETE passes only for events
    // a signed purge record already covers; UPDATE and TRUNCATE never do.
    up: () => `
      CREATE INDEX audit_purges_through_idx ON platform.audit_purges (through_seq DESC);
      CREATE FUNCTION platform.audit_events_purge_guard() RETURNS trigger
        LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
        AS $fn$
        BEGIN
          IF OLD.seq <= (SELECT max(p.through_seq) FROM platform.audit_purges p) THEN RETURN OLD; END IF;
          RAISE EXCEPTION 'platform audit_events is append-only: DELETE of event % refused (no purge record covers it)', OLD.seq
            USING ERRCODE = 'insufficient_privilege';
        END $fn$;
      DROP TRIGGER audit_events_append_only ON platform.audit_events;
      CREATE TRIGGER audit_events_append_only BEFORE UPDATE ON platform.audit_events
        FOR EACH ROW EXECUTE FUNCTION platform.audit_refuse_change();
      CREATE TRIGGER audit_events_delete_purged_only BEFORE DELETE ON platform.audit_events
        FOR EACH ROW EXECUTE FUNCTION platform.audit_events_purge_guard();
    `,
  },
];
