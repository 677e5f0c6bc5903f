import type { TenantMigration } from '../migration';

export const identityTenantMigrations: TenantMigration[] = [
  {
    id: '0250-identity-invitations',
    owner: 'identity',
    up: ({ role }) => `
      CREATE TABLE invitations (
        id uuid PRIMARY KEY,
        email text NOT NULL CHECK (email = lower(email) AND position('@' in email) > 1),
        role text NOT NULL CHECK (role IN ('owner', 'admin', 'manager', 'member', 'viewer')),
        invited_by uuid NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'revoked', 'expired')),
        expires_at timestamptz NOT NULL,
        accepted_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX invitations_one_pending_per_email ON invitations (email) WHERE status = 'pending';
      GRANT SELECT, INSERT, UPDATE ON invitations TO ${role};
    `,
  },
];
