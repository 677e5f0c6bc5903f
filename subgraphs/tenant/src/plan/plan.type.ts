import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType('PlanQuota')
export class PlanQuota {
  @Field(() => String)
  resource!: string;

  @Field(() => Number, { nullable: true, description: 'null = unlimited' })
  limit!: number | null;
}

@ObjectType('Plan', { description: 'One plan of the catalog (config/plans.json, seeded into the database)' })
export class Plan {
  @Field(() => String)
  code!: string;

  @Field(() => String)
  name!: string;

  @Field(() => Int, { description: 'Per month, in cents' })
  priceCents!: number;

  @Field(() => [PlanQuota])
  quotas!: PlanQuota[];

  @Field(() => [String])
  features!: string[];

  @Field(() => Int)
  retentionDays!: number;
}
