import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { TenantReference } from '../tenant-reference/tenant-reference.type';
import { User } from '../user/user.type';

export enum MemberRole {
  OWNER = 'owner',
  ADMIN = 'admin',
  MANAGER = 'manager',
  MEMBER = 'member',
  VIEWER = 'viewer',
}
registerEnumType(MemberRole, { name: 'MemberRole', description: 'owner > admin > manager > member > viewer' });

@ObjectType('Membership', { description: "A person's role in one tenant" })
export class Membership {
  @Field(() => MemberRole)
  role!: MemberRole;

  @Field(() => Date)
  createdAt!: Date;

  userId!: string;
  tenantId!: string;

  @Field(() => User, { nullable: true })
  user?: User;

  @Field(() => TenantReference, { description: 'Resolved by the tenant subgraph' })
  tenant?: TenantReference;
}
