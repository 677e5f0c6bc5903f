import { Field, ID, InputType, Int } from 'type-graphql';
import { DataResidency, TenantStatus } from './tenant.type';

@InputType('TenantContactInput')
export class TenantContactInput {
  @Field(() => String, { nullable: true })
  adminEmail?: string | null;

  @Field(() => String, { nullable: true })
  billingEmail?: string | null;

  @Field(() => String, { nullable: true, description: 'E.164, e.g. +442071234567' })
  phone?: string | null;
}

@InputType('CreateTenantInput')
export class CreateTenantInput {
  @Field(() => String, { description: 'Lower-case letters, digits and dashes; 1 to 63 characters' })
  slug!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true, defaultValue: 'free' })
  plan?: string;

  @Field(() => DataResidency, { nullable: true, defaultValue: DataResidency.US })
  dataResidency?: DataResidency;

  @Field(() => ID, { nullable: true, description: 'Parent tenant (hierarchies are at most 3 levels deep)' })
  parentId?: string | null;

  @Field(() => Boolean, { nullable: true, defaultValue: false, description: 'Start as a trial of the configured length' })
  trial?: boolean;

  @Field(() => TenantContactInput, { nullable: true })
  contact?: TenantContactInput | null;

  @Field(() => String, { nullable: true, defaultValue: 'UTC' })
  timezone?: string;

  @Field(() => String, { nullable: true, defaultValue: 'en-US' })
  locale?: string;
}

@InputType('RenameTenantInput')
export class RenameTenantInput {
  @Field(() => String)
  name!: string;
}

@InputType('UpdateTenantProfileInput', { description: 'Only the fields given change' })
export class UpdateTenantProfileInput {
  @Field(() => TenantContactInput, { nullable: true })
  contact?: TenantContactInput | null;

  @Field(() => String, { nullable: true })
  timezone?: string | null;

  @Field(() => String, { nullable: true })
  locale?: string | null;
}

@InputType('TenantFilter')
export class TenantFilter {
  @Field(() => TenantStatus, { nullable: true, description: 'Stored status' })
  status?: TenantStatus | null;

  @Field(() => String, { nullable: true })
  plan?: string | null;

  @Field(() => DataResidency, { nullable: true })
  dataResidency?: DataResidency | null;

  @Field(() => ID, { nullable: true })
  parentId?: string | null;
}

@InputType('TenantPageInput')
export class TenantPageInput {
  @Field(() => Int, { nullable: true, defaultValue: 20, description: '1 to 100' })
  first?: number;

  @Field(() => String, { nullable: true })
  after?: string | null;
}

@InputType('ChangeTenantStatusInput')
export class ChangeTenantStatusInput {
  @Field(() => ID)
  tenantId!: string;

  @Field(() => TenantStatus)
  status!: TenantStatus;
}
