import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Storage shape of <tenant schema>.usage_counters: one row per resource and period. */
@Entity({ name: 'usage_counters' })
export class UsageCounterEntity {
  @PrimaryColumn('text')
  resource!: string;

  @PrimaryColumn('timestamptz')
  periodStart!: Date;

  @Column('bigint')
  used!: string;

  @Column('timestamptz')
  updatedAt!: Date;
}
