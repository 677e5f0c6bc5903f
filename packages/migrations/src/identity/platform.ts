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
  {
    id: '0200-identity-credentials-sessions-outbox',
    owner: 'identity',
    // Secrets live in tables no tenant role is granted anything on: platform.users stays
    // readable (through RLS) inside a tenant transaction, so hashes must not sit there.
    up: () => `
      CREATE TABLE platform.user_credentials (
        user_id uuid PRIMARY KEY REFERENCES platform.users (id) ON DELETE CASCADE,
        password_hash text NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
        updated_at timestamptz NOT NULL DEFAULT now()
      );

      -- One session per sign-in: the family of refresh tokens that rotate from it.
      CREATE TABLE platform.sessions (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES platform.users (id) ON DELETE CASCADE,
        tenant_id uuid REFERENCES platform.tenants (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        revoked_reason text CHECK (revoked_reason IN ('signed_out', 'revoked', 'reuse_detected', 'membership_ended')),
        CHECK ((revoked_at IS NULL) = (revoked_reason IS NULL))
      );
      CREATE INDEX sessions_user_idx ON platform.sessions (user_id, created_at DESC);

      -- Only the SHA-256 of a refresh token is stored; a rotated token stays as a reuse tripwire.
      CREATE TABLE platform.refresh_tokens (
        token_hash bytea PRIMARY KEY CHECK (length(token_hash) = 32),
        session_id uuid NOT NULL REFERENCES platform.sessions (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        rotated_at timestamptz
      );
      CREATE UNIQUE INDEX refresh_tokens_one_live_per_session ON platform.refresh_tokens (session_id) WHERE rotated_at IS NULL;

      -- Mail leaves through this outbox (same transaction as the change that sends it); a
      -- delivery worker or the dev mailbox reads it.
      CREATE TABLE platform.mail_outbox (
        id uuid PRIMARY KEY,
        recipient text NOT NULL CHECK (recipient = lower(recipient)),
        template text NOT NULL CHECK (template ~ '^[a-z][a-z0-9_]*$'),
        subject text NOT NULL,
        body text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz
      );
      CREATE INDEX mail_outbox_recipient_idx ON platform.mail_outbox (recipient, created_at DESC);
      -- No GRANT to the tenant group role on any of the four tables above.
    `,
  },
  {
    id: '0201-identity-invitation-tokens',
    owner: 'identity',
    up: ({ tenantGroupRole }) => `
      -- Invitations live in the tenant schema; their tokens' hashes live here, because the
      -- tenant is found from the token before it is known, and because no tenant role may read
      -- a hash back. A tenant adds and drops its own tokens: column grants leave token_hash out.
      CREATE TABLE platform.invitation_tokens (
        token_hash bytea PRIMARY KEY CHECK (length(token_hash) = 32),
        tenant_id uuid NOT NULL REFERENCES platform.tenants (id) ON DELETE CASCADE,
        invitation_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX invitation_tokens_invitation_idx ON platform.invitation_tokens (tenant_id, invitation_id);
      ALTER TABLE platform.invitation_tokens ENABLE ROW LEVEL SECURITY;
      CREATE POLICY invitation_tokens_own_tenant ON platform.invitation_tokens TO ${tenantGroupRole}
        USING (tenant_id = platform.current_tenant_id())
        WITH CHECK (tenant_id = platform.current_tenant_id());
      GRANT INSERT, DELETE ON platform.invitation_tokens TO ${tenantGroupRole};
      GRANT SELECT (tenant_id, invitation_id) ON platform.invitation_tokens TO ${tenantGroupRole};

      -- Inviting happens inside a tenant transaction and enqueues mail there: insert only.
      GRANT INSERT ON platform.mail_outbox TO ${tenantGroupRole};
    `,
  },
  {
    id: '0202-identity-api-keys',
    owner: 'identity',
    up: ({ tenantGroupRole }) => `
      -- Partner API keys: the prefix finds the row, the SHA-256 of the whole key proves it.
      -- A tenant manages its own keys but can never read a hash back (column grants).
      CREATE TABLE platform.api_keys (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES platform.tenants (id) ON DELETE CASCADE,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
        prefix text NOT NULL UNIQUE CHECK (prefix ~ '^[0-9a-f]{12}$'),
        secret_hash bytea NOT NULL CHECK (length(secret_hash) = 32),
        scopes text[] NOT NULL CHECK (cardinality(scopes) > 0),
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz,
        last_used_at timestamptz,
        revoked_at timestamptz
      );
      CREATE INDEX api_keys_tenant_idx ON platform.api_keys (tenant_id, created_at DESC);
      ALTER TABLE platform.api_keys ENABLE ROW LEVEL SECURITY;
      CREATE POLICY api_keys_own_tenant ON platform.api_keys TO ${tenantGroupRole}
        USING (tenant_id = platform.current_tenant_id())
        WITH CHECK (tenant_id = platform.current_tenant_id());
      GRANT INSERT ON platform.api_keys TO ${tenantGroupRole};
      GRANT SELECT (id, tenant_id, name, prefix, scopes, created_by, created_at, expires_at, last_used_at, revoked_at)
        ON platform.api_keys TO ${tenantGroupRole};
      GRANT UPDATE (revoked_at) ON platform.api_keys TO ${tenantGroupRole};
    `,
  },
  {
    id: '0203-identity-email-verification-password-reset',
    owner: 'identity',
    up: () => `
      -- Not a secret: tenants may see whether a member's address is verified.
      ALTER TABLE platform.users ADD COLUMN email_verified_at timestamptz;

      -- Single-use, expiring codes mailed to a person (verify an address, reset a password):
      -- only their SHA-256 is kept, in a table no tenant role is granted anything on.
      CREATE TABLE platform.user_tokens (
        token_hash bytea PRIMARY KEY CHECK (length(token_hash) = 32),
        user_id uuid NOT NULL REFERENCES platform.users (id) ON DELETE CASCADE,
        purpose text NOT NULL CHECK (purpose IN ('verify_email', 'reset_password')),
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      );
      CREATE INDEX user_tokens_user_idx ON platform.user_tokens (user_id, purpose);
    `,
  },
  {
    id: '0204-identity-sign-in-throttle',
    owner: 'identity',
    up: () => `
      -- Failed sign-ins per account (keyed by a hash of the normalised email, known or not, so
      -- a lockout says nothing about whether an account exists) and per client address.
      CREATE TABLE platform.sign_in_throttle (
        key text PRIMARY KEY CHECK (key ~ '^(account|ip):'),
        failures integer NOT NULL DEFAULT 0 CHECK (failures >= 0),
        first_failure_at timestamptz NOT NULL DEFAULT now(),
        locked_until timestamptz
      );
    `,
  },
  {
    id: '0205-identity-mfa',
    owner: 'identity',
    up: () => `
      -- TOTP seeds must be read back to check a code, so they are encrypted (AES-256-GCM, bound
      -- to the user id), not hashed. last_used_step makes each code single-use.
      CREATE TABLE platform.user_mfa (
        user_id uuid PRIMARY KEY REFERENCES platform.users (id) ON DELETE CASCADE,
        secret_sealed text NOT NULL CHECK (secret_sealed LIKE 'v1.%'),
        enabled_at timestamptz,
        last_used_step bigint,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE platform.mfa_recovery_codes (
        code_hash bytea PRIMARY KEY CHECK (length(code_hash) = 32),
        user_id uuid NOT NULL REFERENCES platform.users (id) ON DELETE CASCADE,
        used_at timestamptz
      );
      CREATE INDEX mfa_recovery_codes_user_idx ON platform.mfa_recovery_codes (user_id);
    `,
  },
  {
    id: '0206-identity-membership-status',
    owner: 'identity',
    up: () => `
      -- A suspended member keeps their seat and history but gets no new access token for the
      -- tenant and manages nothing there (ADR 0011 bounds how long an issued token lasts).
      ALTER TABLE platform.memberships
        ADD COLUMN status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended'));
    `,
  },
  {
    id: '0501-identity-api-key-client',
    owner: 'identity',
    // A partner key may belong to a client (ADR 0016): it then runs only that client's
    // persisted operations, in the client's mode. Tenants may read the binding, not change it.
    up: ({ tenantGroupRole }) => `
      ALTER TABLE platform.api_keys ADD COLUMN client_name text REFERENCES platform.api_clients (name);
      CREATE INDEX api_keys_client_idx ON platform.api_keys (client_name) WHERE client_name IS NOT NULL;
      GRANT SELECT (client_name) ON platform.api_keys TO ${tenantGroupRole};
    `,
  },
];
