import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType('DevMail', { description: 'A message in the outbox, as the development mailbox shows it' })
export class DevMail {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  recipient!: string;

  @Field(() => String)
  template!: string;

  @Field(() => String)
  subject!: string;

  @Field(() => String)
  body!: string;

  @Field(() => Date)
  createdAt!: Date;
}
