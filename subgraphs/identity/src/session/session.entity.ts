import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Storage shape of platform.sessions: one sign-in and the refresh-token family rotating from it. */
@Entity({ schema: 'platform', name: 'sessions' })
export class SessionEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid')
  userId!: string;

  @Column('uuid', { nullable: true })
  tenantId!: string | null;

  @Column('timestamptz')
  createdAt!: Date;

  @Column('timestamptz')
  lastUsedAt!: Date;

  @Column('timestamptz')
  expiresAt!: Date;

  @Column('timestamptz', { nullable: true })
  revokedAt!: Date | null;

  @Column('text', { nullable: true })
  revokedReason!: 'signed_out' | 'revoked' | 'reuse_detected' | 'membership_ended' | null;
}
