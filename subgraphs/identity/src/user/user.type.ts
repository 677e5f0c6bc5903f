import { Directive, Field, ID, ObjectType } from 'type-graphql';

@Directive('@key(fields: "id")')
@ObjectType('User', { description: 'A person; global across tenants' })
export class User {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  email!: string;

  @Field(() => String)
  displayName!: string;

  @Field(() => Boolean, { description: 'Whether the person confirmed the address by a mailed code' })
  emailVerified!: boolean;
}
