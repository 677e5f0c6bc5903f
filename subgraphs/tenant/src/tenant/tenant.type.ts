import { Directive, Field, ID, ObjectType, registerEnumType } from 'type-graphql';

export enum TenantStatus {
  TRIAL = 'trial',
  ACTIVE = 'active',
  SUSPENDED = 'suspended',
  CANCELLED = 'cancelled',
}
registerEnumType(TenantStatus, { name: 'TenantStatus', description: 'Where a tenant is in its lifecycle' });

@Directive('@key(fields: "id")')
@ObjectType('Tenant', { description: 'An organisation: the unit of isolation' })
export class Tenant {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'Unique, URL-safe name' })
  slug!: string;

  @Field(() => String)
  name!: string;

  @Field(() => TenantStatus)
  status!: TenantStatus;

  @Field(() => String, { description: "The plan's code, e.g. free or pro" })
  plan!: string;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;
}
