import { Directive, Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum TenantStatus {
  TRIAL = 'trial',
  ACTIVE = 'active',
  SUSPENDED = 'suspended',
  CANCELLED = 'cancelled',
  PURGED = 'purged',
}
registerEnumType(TenantStatus, {
  name: 'TenantStatus',
  description: 'Where a tenant is in its lifecycle: TRIAL -> ACTIVE <-> SUSPENDED, any -> CANCELLED -> PURGED',
});

export enum DataResidency {
  US = 'us',
  EU = 'eu',
  UK = 'uk',
  CA = 'ca',
  AU = 'au',
}
registerEnumType(DataResidency, { name: 'DataResidency', description: "The region a tenant's data must stay in" });

@ObjectType('TenantContact', { description: 'Who to reach about a tenant (admins and platform staff only)' })
export class TenantContact {
  @Field(() => String, { nullable: true })
  adminEmail!: string | null;

  @Field(() => String, { nullable: true })
  billingEmail!: string | null;

  @Field(() => String, { nullable: true, description: 'E.164, e.g. +442071234567' })
  phone!: string | null;
}

@Directive('@key(fields: "id")')
@ObjectType('Tenant', { description: 'An organisation: the unit of isolation' })
export class Tenant {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'Unique, URL-safe name' })
  slug!: string;

  @Field(() => String, { description: 'Display name' })
  name!: string;

  @Field(() => TenantStatus, { description: 'Effective status: an expired trial shows what it expired to' })
  status!: TenantStatus;

  @Field(() => String, { description: "The plan's code, e.g. free or pro" })
  plan!: string;

  @Field(() => DataResidency)
  dataResidency!: DataResidency;

  @Field(() => String, { description: 'IANA time zone, e.g. Europe/London' })
  timezone!: string;

  @Field(() => String, { description: 'BCP 47 language tag, e.g. en-GB' })
  locale!: string;

  @Field(() => Date, { nullable: true })
  trialEndsAt!: Date | null;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;

  /** Resolved by `parent`; not a field of its own. */
  parentId!: string | null;
  contactDetails!: TenantContact;
}

@ObjectType('TenantQuota', { description: 'An effective quota: the plan’s, unless overridden for this tenant' })
export class TenantQuota {
  @Field(() => String)
  resource!: string;

  @Field(() => Number, { nullable: true, description: 'null = unlimited' })
  limit!: number | null;

  @Field(() => String, { description: 'absolute, hour, day or month' })
  period!: string;

  @Field(() => String)
  unit!: string;

  @Field(() => Boolean, { description: 'true when a per-tenant override replaces the plan’s value' })
  overridden!: boolean;
}

@ObjectType('TenantEdge')
export class TenantEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => Tenant)
  node!: Tenant;
}

@ObjectType('TenantPageInfo')
export class TenantPageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

@ObjectType('TenantStatusCount')
export class TenantStatusCount {
  @Field(() => TenantStatus)
  status!: TenantStatus;

  @Field(() => Int)
  count!: number;
}

@ObjectType('TenantConnection', { description: 'A page of tenants, oldest first' })
export class TenantConnection {
  @Field(() => [TenantEdge])
  edges!: TenantEdge[];

  @Field(() => TenantPageInfo)
  pageInfo!: TenantPageInfo;

  @Field(() => Int, { description: 'Tenants matching the filter, all pages' })
  totalCount!: number;

  @Field(() => [TenantStatusCount], { description: 'Matching tenants per stored status (the status filter aside)' })
  countsByStatus!: TenantStatusCount[];
}

@ObjectType('TenantExport', { description: 'Everything a tenant owns, as one JSON document' })
export class TenantExport {
  @Field(() => String, { description: 'tenantry-export/1' })
  format!: string;

  @Field(() => Date)
  generatedAt!: Date;

  @Field(() => String, { description: 'The bundle as JSON text (secret settings only say whether they are set)' })
  json!: string;
}

@ObjectType('TenantPurgeResult')
export class TenantPurgeResult {
  @Field(() => ID)
  tenantId!: string;

  @Field(() => Boolean, { description: 'false when the tenant had already been purged (nothing done)' })
  purged!: boolean;
}
