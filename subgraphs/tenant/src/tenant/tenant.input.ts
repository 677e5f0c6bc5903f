import { Field, InputType } from 'type-graphql';

@InputType('CreateTenantInput')
export class CreateTenantInput {
  @Field(() => String, { description: 'Lower-case letters, digits and dashes; 1 to 63 characters' })
  slug!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true, defaultValue: 'free' })
  plan?: string;
}

@InputType('RenameTenantInput')
export class RenameTenantInput {
  @Field(() => String)
  name!: string;
}
