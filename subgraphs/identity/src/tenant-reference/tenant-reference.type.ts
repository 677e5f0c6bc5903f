import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** Identity only points at tenants; the tenant subgraph owns and resolves them. */
@Directive('@key(fields: "id", resolvable: false)')
@ObjectType('Tenant')
export class TenantReference {
  @Field(() => ID)
  id!: string;
}
