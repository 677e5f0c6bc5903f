import { Column, Entity, PrimaryColumn, VirtualColumn } from 'typeorm';

export type TenantStatusValue = 'trial' | 'active' | 'suspended' | 'cancelled' | 'purged';
export type DataResidencyValue = 'us' | 'eu' | 'uk' | 'ca' | 'au';

/** Storage shape of platform.tenants (migrations 0001-tenant-registry and 0100-tenant-profile-plans-lifecycle). */
@Entity({ schema: 'platform', name: 'tenants' })
export class TenantEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text')
  slug!: string;

  /** The display name. */
  @Column('text')
  name!: string;

  /** The stored status; an expired trial is still 'trial' here until the expiry job runs. */
  @Column('text')
  status!: TenantStatusValue;

  /** What every subgraph enforces: an expired trial already counts as what it expires to. */
  @VirtualColumn('text', {
    query: (alias) => `SELECT platform.effective_tenant_status(${alias}.status, ${alias}.trial_ends_at)`,
  })
  effectiveStatus!: TenantStatusValue;

  @Column('text')
  plan!: string;

  @Column('text')
  dataResidency!: DataResidencyValue;

  @Column('uuid', { nullable: true })
  parentId!: string | null;

  @Column('text', { nullable: true })
  adminEmail!: string | null;

  @Column('text', { nullable: true })
  billingEmail!: string | null;

  @Column('text', { nullable: true })
  phone!: string | null;

  @Column('text')
  timezone!: string;

  @Column('text')
  locale!: string;

  @Column('timestamptz', { nullable: true })
  trialEndsAt!: Date | null;

  @Column('timestamptz')
  statusChangedAt!: Date;

  @Column('integer')
  schemaVersion!: number;

  @Column('timestamptz')
  createdAt!: Date;

  @Column('timestamptz')
  updatedAt!: Date;
}
