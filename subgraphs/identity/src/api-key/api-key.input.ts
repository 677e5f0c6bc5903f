import { Field, InputType } from 'type-graphql';

@InputType('CreateApiKeyInput')
export class CreateApiKeyInput {
  @Field(() => String)
  name!: string;

  @Field(() => [String], { description: 'Any of tenant:read, members:read, usage:read, usage:write, audit:read' })
  scopes!: string[];

  @Field(() => Date, { nullable: true })
  expiresAt?: Date;

  @Field(() => String, {
    nullable: true,
    description: "A registered client (platform staff publish them): the key then runs only that client's persisted operations",
  })
  client?: string | null;
}
