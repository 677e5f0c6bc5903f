import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { MemberRole } from '../membership/membership.type';

export enum InvitationStatus {
  PENDING = 'pending',
  ACCEPTED = 'accepted',
  REVOKED = 'revoked',
  EXPIRED = 'expired',
}
registerEnumType(InvitationStatus, { name: 'InvitationStatus' });

@ObjectType('Invitation', { description: 'An offer to join the tenant with a role; the link goes by email only' })
export class Invitation {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  email!: string;

  @Field(() => MemberRole)
  role!: MemberRole;

  @Field(() => InvitationStatus)
  status!: InvitationStatus;

  @Field(() => Date)
  expiresAt!: Date;

  @Field(() => Date)
  createdAt!: Date;
}
