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

export enum MemberStatus {
  ACTIVE = 'active',
  SUSPENDED = 'suspended',
}
registerEnumType(MemberStatus, { name: 'MemberStatus', description: 'A suspended member keeps the seat but gets no new access' });

@ObjectType('Membership', { description: "A person's role in one tenant" })
export class Membership {
  @Field(() => MemberRole)
  role!: MemberRole;

  @Field(() => MemberStatus)
  status!: MemberStatus;

  @Field(() => Date)
  createdAt!: Date;

  userId!: string;
  tenantId!: string;

  @Field(() => User, { nullable: true })
  user?: User;

  @Field(() => TenantReference, { description: 'Resolved by the tenant subgraph' })
  tenant?: TenantReference;
}

@ObjectType('MemberEdge')
export class MemberEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => Membership)
  node!: Membership;
}

@ObjectType('MemberPageInfo', { description: 'Named apart from the audit subgraph’s PageInfo, which is not @shareable' })
export class MemberPageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

@ObjectType('MemberConnection')
export class MemberConnection {
  @Field(() => [MemberEdge])
  edges!: MemberEdge[];

  @Field(() => MemberPageInfo)
  pageInfo!: MemberPageInfo;
}
