import { Field, ID, InputType } from 'type-graphql';

@InputType('SignUpOrganisationInput', { description: 'Create an organisation with the new account as its owner' })
export class SignUpOrganisationInput {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  slug!: string;
}

@InputType('SignUpInput')
export class SignUpInput {
  @Field(() => String)
  email!: string;

  @Field(() => String)
  password!: string;

  @Field(() => String)
  displayName!: string;

  @Field(() => SignUpOrganisationInput, { nullable: true })
  organisation?: SignUpOrganisationInput;
}

@InputType('SignInInput')
export class SignInInput {
  @Field(() => String)
  email!: string;

  @Field(() => String)
  password!: string;

  @Field(() => ID, {
    nullable: true,
    description:
      'Tenant to sign in to; defaults to the tenant the request is addressed to (X-Tenant-Slug, subdomain, verified custom domain, X-Tenant-Id), else the oldest membership',
  })
  tenantId?: string;

  @Field(() => String, { nullable: true, description: 'Authenticator or recovery code, when two-factor is on' })
  mfaCode?: string;
}

@InputType('RefreshSessionInput')
export class RefreshSessionInput {
  @Field(() => String)
  refreshToken!: string;
}

@InputType('SwitchTenantInput')
export class SwitchTenantInput {
  @Field(() => ID)
  tenantId!: string;

  @Field(() => String, { description: "The current session's refresh token; it is rotated" })
  refreshToken!: string;
}
