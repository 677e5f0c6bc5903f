import { Field, Float, ObjectType, registerEnumType } from 'type-graphql';

export enum QuotaPeriod {
  ABSOLUTE = 'absolute',
  HOUR = 'hour',
  DAY = 'day',
  MONTH = 'month',
}
registerEnumType(QuotaPeriod, { name: 'QuotaPeriod', description: 'How often a resource counter starts again from zero' });

@ObjectType('QuotaStatus', { description: "A resource's limit on the tenant's plan and what is used of it in the current period" })
export class QuotaStatus {
  @Field(() => String)
  resource!: string;

  @Field(() => QuotaPeriod)
  period!: QuotaPeriod;

  @Field(() => Float, { nullable: true, description: 'null: unlimited' })
  limit!: number | null;

  @Field(() => Float)
  used!: number;

  @Field(() => Float, { nullable: true, description: 'null: unlimited' })
  remaining!: number | null;

  @Field(() => Float, { nullable: true, description: 'used / limit, 0 to 1 (null: unlimited)' })
  utilisation!: number | null;

  @Field(() => Date)
  periodStart!: Date;

  @Field(() => Date, { nullable: true, description: 'When the counter resets; null for absolute resources' })
  resetsAt!: Date | null;
}

@ObjectType('QuotaCheck')
export class QuotaCheck extends QuotaStatus {
  @Field(() => Boolean, { description: 'Whether the amount asked about would be granted now (consumeQuota decides)' })
  allowed!: boolean;
}
