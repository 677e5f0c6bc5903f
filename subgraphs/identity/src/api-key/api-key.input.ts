import { Field, InputType } from 'type-graphql';

@InputType('CreateApiKeyInput')
export class CreateApiKeyInput {
  @Field(() => String)
  name!: string;

  @Field(() => [String], { description: 'Any of tenant:read, members:read, usage:read, usage:write, audit:read' })
  scopes!: string[];

  @Field(() => Date, { nullable: true })
  expiresAt?: Date;
}
