import { Field, ObjectType } from 'type-graphql';

@ObjectType('TenantBranding', { description: 'How the product presents this tenant (plans with custom_branding can change it)' })
export class TenantBranding {
  @Field(() => String, { nullable: true })
  logoUrl!: string | null;

  @Field(() => String, { nullable: true, description: '#rrggbb' })
  primaryColor!: string | null;

  @Field(() => String, { nullable: true, description: '#rrggbb' })
  accentColor!: string | null;

  @Field(() => String, { nullable: true, description: 'At most 10 KiB' })
  customCss!: string | null;
}
