import { Field, ID, InputType } from 'type-graphql';
import { MemberRole } from './membership.type';

@InputType('ChangeMemberRoleInput')
export class ChangeMemberRoleInput {
  @Field(() => ID)
  userId!: string;

  @Field(() => MemberRole)
  role!: MemberRole;
}
