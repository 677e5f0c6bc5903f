import { Field, ObjectType } from 'type-graphql';

@ObjectType('TenantSetting', { description: "One of the tenant's typed settings" })
export class TenantSetting {
  @Field(() => String)
  key!: string;

  @Field(() => String, { description: 'boolean, integer, string, https_url or enum' })
  type!: string;

  @Field(() => String)
  description!: string;

  @Field(() => Boolean, { description: 'Secret settings are encrypted at rest and write-only' })
  secret!: boolean;

  @Field(() => String, { nullable: true, description: 'The value as JSON text (the default when unset); always null for secrets' })
  value!: string | null;

  @Field(() => Boolean, { description: 'Whether the tenant has set it (for secrets: whether one is stored)' })
  isSet!: boolean;

  @Field(() => Date, { nullable: true })
  updatedAt!: Date | null;
}
