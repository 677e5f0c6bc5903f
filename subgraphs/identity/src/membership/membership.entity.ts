import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { TenantRole } from '@tenantry/auth';

/** Storage shape of platform.memberships (RLS: a tenant role sees only its own tenant's rows). */
@Entity({ schema: 'platform', name: 'memberships' })
export class MembershipEntity {
  @PrimaryColumn('uuid')
  tenantId!: string;

  @PrimaryColumn('uuid')
  userId!: string;

  @Column('text')
  role!: TenantRole;

  @Column('text')
  status!: 'active' | 'suspended';

  @Column('timestamptz')
  createdAt!: Date;

  @Column('timestamptz')
  updatedAt!: Date;
}
