import { Field, InputType } from 'type-graphql';

@InputType('UpdateTenantBrandingInput', { description: 'Only the fields given change; null clears one' })
export class UpdateTenantBrandingInput {
  @Field(() => String, { nullable: true })
  logoUrl?: string | null;

  @Field(() => String, { nullable: true })
  primaryColor?: string | null;

  @Field(() => String, { nullable: true })
  accentColor?: string | null;

  @Field(() => String, { nullable: true })
  customCss?: string | null;
}
