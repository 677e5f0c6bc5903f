import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Storage shape of platform.users: one person, one account, many tenants. */
@Entity({ schema: 'platform', name: 'users' })
export class UserEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text')
  email!: string;

  @Column('text')
  displayName!: string;

  @Column('text', { nullable: true })
  platformRole!: 'platform_admin' | 'support' | null;

  @Column('timestamptz', { nullable: true })
  emailVerifiedAt!: Date | null;

  @Column('timestamptz')
  createdAt!: Date;

  @Column('timestamptz')
  updatedAt!: Date;
}
