import { Field, ObjectType } from 'type-graphql';

@ObjectType('MfaEnrollment', { description: 'Add this secret to an authenticator app, then confirm with a code' })
export class MfaEnrollment {
  @Field(() => String, { description: 'Base32 TOTP secret (RFC 6238, SHA-1, 6 digits, 30 s)' })
  secret!: string;

  @Field(() => String)
  otpauthUri!: string;

  /** Who is enrolling: not in the schema, read by the `self` rule (config/permissions.json). */
  userId!: string;
}
