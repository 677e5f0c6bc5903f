import { Field, InputType, Int } from 'type-graphql';

@InputType('ConsumeQuotaInput')
export class ConsumeQuotaInput {
  @Field(() => String, { description: 'Resource code from the plan catalog, e.g. api_calls' })
  resource!: string;

  @Field(() => Int, { description: 'Units, 1 to 1,000,000,000' })
  amount!: number;

  @Field(() => String, { nullable: true, description: 'Shown in usage history (at most 500 characters)' })
  description?: string;
}

@InputType('ReleaseQuotaInput')
export class ReleaseQuotaInput {
  @Field(() => String)
  resource!: string;

  @Field(() => Int)
  amount!: number;
}
