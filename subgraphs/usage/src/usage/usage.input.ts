import { Field, InputType, Int } from 'type-graphql';

@InputType('RecordUsageInput')
export class RecordUsageInput {
  @Field(() => String, { description: 'Resource code, e.g. api_calls' })
  resource!: string;

  @Field(() => Int, { description: 'Units to add, 1 to 1,000,000' })
  amount!: number;
}
