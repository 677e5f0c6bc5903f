import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Storage shape of <tenant schema>.audit_events (append-only for the tenant role). */
@Entity({ name: 'audit_events' })
export class AuditEventEntity {
  @PrimaryColumn('bigint')
  seq!: string;

  @Column('uuid')
  id!: string;

  @Column('text')
  action!: string;

  @Column('text')
  actorType!: string;

  @Column('text', { nullable: true })
  actorId!: string | null;

  @Column('text')
  resourceType!: string;

  @Column('text')
  resourceId!: string;

  @Column('jsonb')
  changes!: Record<string, unknown>;

  @Column('text', { nullable: true })
  requestId!: string | null;

  @Column('timestamptz')
  occurredAt!: Date;

  @Column('bytea', { nullable: true })
  prevHash!: Buffer | null;

  @Column('bytea', { nullable: true })
  hash!: Buffer | null;
}
