import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Storage shape of platform.mail_outbox. */
@Entity({ schema: 'platform', name: 'mail_outbox' })
export class MailEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text')
  recipient!: string;

  @Column('text')
  template!: string;

  @Column('text')
  subject!: string;

  @Column('text')
  body!: string;

  @Column('timestamptz')
  createdAt!: Date;

  @Column('timestamptz', { nullable: true })
  sentAt!: Date | null;
}
