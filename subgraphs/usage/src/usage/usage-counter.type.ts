import { Field, Float, ObjectType } from 'type-graphql';

@ObjectType('UsageCounter', { description: 'How much of a resource the tenant used in one period' })
export class UsageCounter {
  @Field(() => String)
  resource!: string;

  @Field(() => Date)
  periodStart!: Date;

  @Field(() => Float, { description: 'Units used in the period (exact up to 2^53)' })
  used!: number;

  @Field(() => Date)
  updatedAt!: Date;
}
