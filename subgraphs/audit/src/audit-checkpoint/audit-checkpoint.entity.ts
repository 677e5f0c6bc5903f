import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Storage shape of <tenant schema>.audit_checkpoints (append-only for everyone). */
@Entity({ name: 'audit_checkpoints' })
export class AuditCheckpointEntity {
  @PrimaryColumn('bigint')
  id!: string;

  @Column('bigint')
  seq!: string;

  @Column('bytea')
  hash!: Buffer;

  @Column('timestamptz')
  signedAt!: Date;

  @Column('text')
  keyId!: string;

  @Column('text')
  token!: string;
}
