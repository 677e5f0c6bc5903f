import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType('ApiKey', { description: 'A partner key of this tenant; the secret itself is shown only once, at creation' })
export class ApiKey {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { description: 'Identifies the key in lists and logs (tk_<prefix>_…)' })
  prefix!: string;

  @Field(() => [String])
  scopes!: string[];

  @Field(() => String, { nullable: true, description: "The client the key belongs to: it runs only that client's persisted operations" })
  client!: string | null;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  expiresAt!: Date | null;

  @Field(() => Date, { nullable: true })
  lastUsedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  revokedAt!: Date | null;
}

@ObjectType('CreatedApiKey')
export class CreatedApiKey {
  @Field(() => String, { description: 'The secret key: store it now, it cannot be shown again' })
  key!: string;

  @Field(() => ApiKey)
  apiKey!: ApiKey;
}
