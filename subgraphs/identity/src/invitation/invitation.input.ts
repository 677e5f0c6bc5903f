import { Field, InputType } from 'type-graphql';
import { MemberRole } from '../membership/membership.type';

@InputType('InviteMemberInput')
export class InviteMemberInput {
  @Field(() => String)
  email!: string;

  @Field(() => MemberRole)
  role!: MemberRole;
}

@InputType('AcceptInvitationInput', {
  description: 'New to Tenantry: give a password and display name. Existing account: sign in first, or give its password.',
})
export class AcceptInvitationInput {
  @Field(() => String)
  token!: string;

  @Field(() => String, { nullable: true })
  password?: string;

  @Field(() => String, { nullable: true })
  displayName?: string;
}
