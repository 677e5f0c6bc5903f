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
  {
    id: '0100-tenant-profile-plans-lifecycle',
    owner: 'tenant',
    up: ({ tenantGroupRole }) => `
      -- Lifecycle: purged is the terminal state after cancelled.
      ALTER TABLE platform.tenants DROP CONSTRAINT tenants_status_check;
      ALTER TABLE platform.tenants ADD CONSTRAINT tenants_status_check
        CHECK (status IN ('trial', 'active', 'suspended', 'cancelled', 'purged'));

      -- Profile. Emails are stored lower-case; phone in E.164; locale as a BCP 47 language(-REGION).
      ALTER TABLE platform.tenants
        ADD COLUMN data_residency text NOT NULL DEFAULT 'us' CHECK (data_residency IN ('us', 'eu', 'uk', 'ca', 'au')),
        ADD COLUMN parent_id uuid REFERENCES platform.tenants (id),
        ADD COLUMN admin_email text CHECK (admin_email = lower(admin_email) AND admin_email ~ '^[^@ ]+@[^@ ]+[.][^@ ]+$'),
        ADD COLUMN billing_email text CHECK (billing_email = lower(billing_email) AND billing_email ~ '^[^@ ]+@[^@ ]+[.][^@ ]+$'),
        ADD COLUMN phone text CHECK (phone ~ '^[+][1-9][0-9]{6,14}$'),
        ADD COLUMN timezone text NOT NULL DEFAULT 'UTC' CHECK (length(timezone) BETWEEN 1 AND 64),
        ADD COLUMN locale text NOT NULL DEFAULT 'en-US' CHECK (locale ~ '^[a-z]{2,3}(-[A-Z]{2})?$'),
        ADD COLUMN trial_ends_at timestamptz,
        ADD COLUMN status_changed_at timestamptz NOT NULL DEFAULT now(),
        ADD CONSTRAINT tenants_not_own_parent CHECK (parent_id <> id);

      -- Staff listing: keyset pagination on (created_at, id) and the filters it offers.
      CREATE INDEX tenants_created_idx ON platform.tenants (created_at, id);
      CREATE INDEX tenants_status_idx ON platform.tenants (status);
      CREATE INDEX tenants_plan_idx ON platform.tenants (plan);
      CREATE INDEX tenants_residency_idx ON platform.tenants (data_residency);
      CREATE INDEX tenants_parent_idx ON platform.tenants (parent_id);

      -- Admins edit their own tenant's profile (RLS keeps them on their own row).
      GRANT UPDATE (timezone, locale, admin_email, billing_email, phone) ON platform.tenants TO ${tenantGroupRole};

      -- The plan catalog, seeded from config/plans.json at migrate/start (plans are data).
      -- A plan removed from the file stays (tenants may still be on it) but is marked retired.
      CREATE TABLE platform.plans (
        code text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]{0,31}$'),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        price_cents integer NOT NULL CHECK (price_cents >= 0),
        quotas jsonb NOT NULL DEFAULT '{}'::jsonb,
        overage_cents jsonb NOT NULL DEFAULT '{}'::jsonb,
        features text[] NOT NULL DEFAULT '{}',
        retention_days integer NOT NULL CHECK (retention_days >= 1),
        position integer NOT NULL,
        retired boolean NOT NULL DEFAULT false,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE platform.plan_resources (
        code text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]{0,62}$'),
        period text NOT NULL CHECK (period IN ('absolute', 'hour', 'day', 'month')),
        unit text NOT NULL
      );
      -- One row: what an expired trial becomes (read by the tenant switch, applied by the job).
      CREATE TABLE platform.lifecycle_policy (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        trial_days integer NOT NULL CHECK (trial_days >= 1),
        trial_expires_to text NOT NULL CHECK (trial_expires_to IN ('active', 'suspended', 'cancelled'))
      );
      GRANT SELECT ON platform.plans, platform.plan_resources, platform.lifecycle_policy TO ${tenantGroupRole};

      -- Per-tenant overrides of any quota (NULL = unlimited) or feature (on or off).
      CREATE TABLE platform.tenant_quota_overrides (
        tenant_id uuid NOT NULL REFERENCES platform.tenants (id) ON DELETE CASCADE,
        resource text NOT NULL CHECK (resource ~ '^[a-z][a-z0-9_]{0,62}$'),
        quota bigint CHECK (quota >= 0),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, resource)
      );
      CREATE TABLE platform.tenant_feature_overrides (
        tenant_id uuid NOT NULL REFERENCES platform.tenants (id) ON DELETE CASCADE,
        feature text NOT NULL CHECK (feature ~ '^[a-z][a-z0-9_]{0,62}$'),
        enabled boolean NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, feature)
      );
      ALTER TABLE platform.tenant_quota_overrides ENABLE ROW LEVEL SECURITY;
      CREATE POLICY quota_overrides_own_tenant ON platform.tenant_quota_overrides TO ${tenantGroupRole}
        USING (tenant_id = platform.current_tenant_id());
      ALTER TABLE platform.tenant_feature_overrides ENABLE ROW LEVEL SECURITY;
      CREATE POLICY feature_overrides_own_tenant ON platform.tenant_feature_overrides TO ${tenantGroupRole}
        USING (tenant_id = platform.current_tenant_id());
      GRANT SELECT ON platform.tenant_quota_overrides, platform.tenant_feature_overrides TO ${tenantGroupRole};

      -- The status every subgraph enforces: an expired trial is already what the job will make it.
      CREATE FUNCTION platform.effective_tenant_status(status text, trial_ends_at timestamptz) RETURNS text
        LANGUAGE sql STABLE
        AS $$ SELECT CASE WHEN status = 'trial' AND trial_ends_at <= now()
                          THEN coalesce((SELECT trial_expires_to FROM platform.lifecycle_policy), 'suspended')
                          ELSE status END $$;

      -- The same, by tenant id, for the tenant switch. PL/pgSQL caches its plan per connection, so
      -- the switch does not re-plan a registry lookup on every unit of work.
      CREATE FUNCTION platform.tenant_access_status(tenant uuid) RETURNS text
        LANGUAGE plpgsql STABLE
        AS $$
        DECLARE result text;
        BEGIN
          SELECT CASE WHEN t.status = 'trial' AND t.trial_ends_at <= now()
                      THEN coalesce(p.trial_expires_to, 'suspended') ELSE t.status END
            INTO result
            FROM platform.tenants t LEFT JOIN platform.lifecycle_policy p ON true
           WHERE t.id = tenant;
          RETURN result;
        END $$;

      -- Effective features: the plan's, plus overrides switched on, minus overrides switched off.
      CREATE FUNCTION platform.tenant_features(tenant uuid) RETURNS text[]
        LANGUAGE sql STABLE
        AS $$ SELECT coalesce(array_agg(f ORDER BY f), '{}') FROM (
                (SELECT unnest(p.features) FROM platform.tenants t JOIN platform.plans p ON p.code = t.plan WHERE t.id = tenant
                 UNION
                 SELECT feature FROM platform.tenant_feature_overrides WHERE tenant_id = tenant AND enabled)
                EXCEPT
                SELECT feature FROM platform.tenant_feature_overrides WHERE tenant_id = tenant AND NOT enabled
              ) AS effective (f) $$;
    `,
  },
  {
    id: '0101-tenant-data-keys',
    owner: 'tenant',
    up: ({ tenantGroupRole }) => `
      -- Each tenant's data key (AES-256), wrapped (AES-256-GCM) by the platform master key named
      -- by master_key_id (a fingerprint, never the key). Rotation re-wraps rows, data is untouched.
      CREATE TABLE platform.tenant_data_keys (
        tenant_id uuid PRIMARY KEY REFERENCES platform.tenants (id) ON DELETE CASCADE,
        wrapped_key bytea NOT NULL CHECK (length(wrapped_key) = 60),
        master_key_id text NOT NULL CHECK (master_key_id ~ '^[0-9a-f]{16}$'),
        created_at timestamptz NOT NULL DEFAULT now(),
        rewrapped_at timestamptz
      );
      CREATE INDEX tenant_data_keys_master_idx ON platform.tenant_data_keys (master_key_id);
      -- A tenant's transactions read, and create on first use, their own key only.
      ALTER TABLE platform.tenant_data_keys ENABLE ROW LEVEL SECURITY;
      CREATE POLICY data_keys_own_tenant ON platform.tenant_data_keys TO ${tenantGroupRole}
        USING (tenant_id = platform.current_tenant_id())
        WITH CHECK (tenant_id = platform.current_tenant_id());
      GRANT SELECT, INSERT ON platform.tenant_data_keys TO ${tenantGroupRole};
    `,
  },
  {
    id: '0102-tenant-branding',
    owner: 'tenant',
    up: ({ tenantGroupRole }) => `
      -- In platform, not the tenant schema: login pages need it before anyone is signed in.
      CREATE TABLE platform.tenant_branding (
        tenant_id uuid PRIMARY KEY REFERENCES platform.tenants (id) ON DELETE CASCADE,
        logo_url text CHECK (logo_url ~ '^https://' AND length(logo_url) <= 2048),
        primary_color text CHECK (primary_color ~ '^#[0-9a-f]{6}$'),
        accent_color text CHECK (accent_color ~ '^#[0-9a-f]{6}$'),
        custom_css text CHECK (octet_length(custom_css) <= 10240),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      ALTER TABLE platform.tenant_branding ENABLE ROW LEVEL SECURITY;
      CREATE POLICY branding_own_tenant ON platform.tenant_branding TO ${tenantGroupRole}
        USING (tenant_id = platform.current_tenant_id())
        WITH CHECK (tenant_id = platform.current_tenant_id());
      GRANT SELECT, INSERT, UPDATE ON platform.tenant_branding TO ${tenantGroupRole};
    `,
  },
  {
    id: '0103-tenant-lifecycle-events',
    owner: 'tenant',
    up: () => `
      -- What must outlive a tenant's schema: its purge (and who did it). No tenant role may read it.
      CREATE TABLE platform.tenant_lifecycle_events (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        tenant_id uuid NOT NULL,
        action text NOT NULL CHECK (action ~ '^[a-z][a-z0-9_]*([.][a-z][a-z0-9_]*)+$'),
        actor_type text NOT NULL CHECK (actor_type IN ('user', 'api_key', 'platform_staff', 'system')),
        actor_id text,
        changes jsonb NOT NULL DEFAULT '{}'::jsonb,
        request_id text,
        occurred_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX tenant_lifecycle_events_tenant_idx ON platform.tenant_lifecycle_events (tenant_id, seq);
    `,
  },
  {
    id: '0104-tenant-domains',
    owner: 'tenant',
    up: ({ tenantGroupRole }) => `
      -- Custom domains: claimed by one tenant at a time, proven by a DNS TXT record.
      CREATE TABLE platform.tenant_domains (
        domain text PRIMARY KEY CHECK (domain = lower(domain) AND length(domain) <= 253
                                       AND domain ~ '^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?[.])+[a-z]{2,63}$'),
        tenant_id uuid NOT NULL REFERENCES platform.tenants (id) ON DELETE CASCADE,
        verification_token text NOT NULL CHECK (verification_token ~ '^[A-Za-z0-9_-]{32,64}$'),
        verified_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX tenant_domains_tenant_idx ON platform.tenant_domains (tenant_id);
      ALTER TABLE platform.tenant_domains ENABLE ROW LEVEL SECURITY;
      CREATE POLICY domains_own_tenant ON platform.tenant_domains TO ${tenantGroupRole}
        USING (tenant_id = platform.current_tenant_id())
        WITH CHECK (tenant_id = platform.current_tenant_id());
      GRANT SELECT, INSERT, UPDATE (verified_at), DELETE ON platform.tenant_domains TO ${tenantGroupRole};
    `,
  },
  {
    id: '0500-tenant-api-clients-persisted-queries',
    owner: 'tenant',
    // Clients (first-party frontends, partner integrations) and their safelists: the operations
    // each may run by id, published as Apollo persisted query manifests (ADR 0016). Platform
    // data: tenant roles get nothing here; the gateway learns it through the tenant subgraph.
    up: () => `
      CREATE TABLE platform.api_clients (
        name text PRIMARY KEY CHECK (name ~ '^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$'),
        pq_mode text NOT NULL DEFAULT 'enforce' CHECK (pq_mode IN ('off', 'audit', 'enforce')),
        -- Per-client operation-limit overrides: { maxDepth?, maxAliases?, ... } (positive integers).
        operation_limits jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(operation_limits) = 'object'),
        manifest_version integer NOT NULL DEFAULT 0 CHECK (manifest_version >= 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );

      -- Every operation a client was ever given. A publish that replaces the set retires the
      -- ones left out (retired_at) rather than deleting them, so history stays readable.
      CREATE TABLE platform.persisted_operations (
        client_name text NOT NULL REFERENCES platform.api_clients (name) ON DELETE CASCADE,
        id text NOT NULL CHECK (id ~ '^[0-9a-f]{64}$'),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        type text NOT NULL CHECK (type IN ('query', 'mutation', 'subscription')),
        body text NOT NULL CHECK (length(body) BETWEEN 1 AND 100000),
        first_version integer NOT NULL,
        last_version integer NOT NULL,
        retired_at timestamptz,
        PRIMARY KEY (client_name, id)
      );
      CREATE INDEX persisted_operations_active_idx ON platform.persisted_operations (client_name) WHERE retired_at IS NULL;

      -- One row per publish: who, when, what changed (the audit chain has the same, signed).
      CREATE TABLE platform.persisted_query_publications (
        client_name text NOT NULL REFERENCES platform.api_clients (name) ON DELETE CASCADE,
        version integer NOT NULL,
        replaced boolean NOT NULL,
        operations integer NOT NULL CHECK (operations >= 0),
        added integer NOT NULL CHECK (added >= 0),
        retired integer NOT NULL CHECK (retired >= 0),
        manifest_sha256 text NOT NULL CHECK (manifest_sha256 ~ '^[0-9a-f]{64}$'),
        published_by text,
        request_id text,
        published_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (client_name, version)
      );
    `,
  },
  {
    id: '0540-tenant-role-name-follows-status',
    owner: 'tenant',
    up: () => `
      -- ADR 0029. A tenant's role is named tenant_<32 hex>_rw exactly while the tenant's status is
      -- 'active', and tenant_<32 hex>_gated otherwise. The tenant switch tries SET ROLE to the _rw
      -- name without reading the status: if the tenant stopped being active, that name no longer
      -- exists (renamed in the transaction that changed the status) and the switch reads the status.
      -- Grants follow the role, not its name. No cache, so no staleness.
      CREATE OR REPLACE FUNCTION platform.current_tenant_id() RETURNS uuid
        LANGUAGE sql STABLE PARALLEL SAFE
        AS $$ SELECT CASE WHEN current_user ~ '^tenant_[0-9a-f]{32}_(rw|gated)$'
                          THEN substring(current_user FROM 8 FOR 32)::uuid END $$;

      -- Gives the tenant's role the name its stored status calls for. SECURITY DEFINER: it runs as
      -- the role that ran this migration (the application's login role, which created the tenant
      -- roles and so may rename them), whoever changed the status. Every name is qualified and
      -- pg_temp comes last, so no temporary object can stand in for a catalog. The registry row is
      -- locked, so a repair and a status change cannot interleave.
      CREATE FUNCTION platform.sync_tenant_role_name(tenant uuid) RETURNS void
        LANGUAGE plpgsql
        SECURITY DEFINER
        SET search_path = pg_catalog, pg_temp
        AS $$
        DECLARE
          hex pg_catalog.text := pg_catalog.replace(tenant::pg_catalog.text, '-', '');
          active pg_catalog.bool;
          wanted pg_catalog.text;
          other pg_catalog.text;
        BEGIN
          SELECT t.status = 'active' INTO active FROM platform.tenants t WHERE t.id = tenant FOR NO KEY UPDATE;
          IF active IS NULL THEN
            RETURN;
          END IF;
          wanted := 'tenant_' || hex || CASE WHEN active THEN '_rw' ELSE '_gated' END;
          other := 'tenant_' || hex || CASE WHEN active THEN '_gated' ELSE '_rw' END;
          IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = other) THEN
            RETURN;
          END IF;
          IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = wanted) THEN
            RAISE EXCEPTION 'tenant % has both roles % and %: drop the one that is not in use', tenant, wanted, other
              USING ERRCODE = 'duplicate_object';
          END IF;
          EXECUTE pg_catalog.format('ALTER ROLE %I RENAME TO %I', other, wanted);
        END $$;
      REVOKE ALL ON FUNCTION platform.sync_tenant_role_name(uuid) FROM PUBLIC;

      CREATE FUNCTION platform.tenant_status_changed() RETURNS trigger
        LANGUAGE plpgsql
        SECURITY DEFINER
        SET search_path = pg_catalog, pg_temp
        AS $$ BEGIN PERFORM platform.sync_tenant_role_name(NEW.id); RETURN NULL; END $$;
      REVOKE ALL ON FUNCTION platform.tenant_status_changed() FROM PUBLIC;

      -- Every new tenant and every status change, whoever makes it (service, job, CLI, an
      -- operator's SQL, a process of an earlier release that knows nothing of the names), at
      -- COMMIT: by then provisioning has created the role, and the name matches the status the
      -- transaction leaves behind.
      CREATE CONSTRAINT TRIGGER tenants_role_name_follows_status
        AFTER INSERT OR UPDATE OF status ON platform.tenants
        DEFERRABLE INITIALLY DEFERRED
        FOR EACH ROW
        EXECUTE FUNCTION platform.tenant_status_changed();
      -- Also when triggers are set to replica mode (logical replication apply, some restores).
      ALTER TABLE platform.tenants ENABLE ALWAYS TRIGGER tenants_role_name_follows_status;

      SELECT platform.sync_tenant_role_name(id) FROM platform.tenants WHERE status <> 'active';
    `,
  },
];
