import { Field, ObjectType } from 'type-graphql';

@ObjectType('SignUpResult', {
  description: 'The same for a new and an already registered email: what happened next is in that mailbox',
})
export class SignUpResult {
  @Field(() => Boolean)
  accepted!: boolean;
}
