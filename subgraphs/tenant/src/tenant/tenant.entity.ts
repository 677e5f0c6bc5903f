import { Column, Entity, PrimaryColumn } from 'typeorm';

export type TenantStatusValue = 'trial' | 'active' | 'suspended' | 'cancelled';

/** Storage shape of platform.tenants (created by migration 0001-tenant-registry). */
@Entity({ schema: 'platform', name: 'tenants' })
export class TenantEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text')
  slug!: string;

  @Column('text')
  name!: string;

  @Column('text')
  status!: TenantStatusValue;

  @Column('text')
  plan!: string;

  @Column('integer')
  schemaVersion!: number;

  @Column('timestamptz')
  createdAt!: Date;

  @Column('timestamptz')
  updatedAt!: Date;
}
