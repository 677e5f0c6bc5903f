import { Field, ID, InputType } from 'type-graphql';

@InputType('ChangeTenantPlanInput')
export class ChangeTenantPlanInput {
  @Field(() => ID, { nullable: true, description: "Platform staff: the tenant (default: the request's own)" })
  tenantId?: string | null;

  @Field(() => String)
  plan!: string;

  @Field(() => Boolean, {
    nullable: true,
    defaultValue: false,
    description: 'Platform staff: change even though current usage exceeds the new limits (audited)',
  })
  force?: boolean;
}

@InputType('SetQuotaOverrideInput')
export class SetQuotaOverrideInput {
  @Field(() => ID)
  tenantId!: string;

  @Field(() => String)
  resource!: string;

  @Field(() => Number, { nullable: true, description: 'null = unlimited' })
  limit?: number | null;

  @Field(() => Boolean, { nullable: true, defaultValue: false, description: "Remove the override (back to the plan's value)" })
  remove?: boolean;
}

@InputType('SetFeatureOverrideInput')
export class SetFeatureOverrideInput {
  @Field(() => ID)
  tenantId!: string;

  @Field(() => String)
  feature!: string;

  @Field(() => Boolean, { nullable: true, description: "true grants, false withholds, null removes the override (back to the plan's)" })
  enabled?: boolean | null;
}
