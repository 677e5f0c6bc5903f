import { Field, ID, ObjectType } from 'type-graphql';
import { MemberRole } from '../membership/membership.type';

@ObjectType('Session', { description: 'One sign-in of the current person, alive until it expires or is revoked' })
export class Session {
  @Field(() => ID)
  id!: string;

  @Field(() => ID, { nullable: true, description: 'The tenant its access tokens are issued for' })
  tenantId!: string | null;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  lastUsedAt!: Date;

  @Field(() => Date)
  expiresAt!: Date;

  /** Whose session it is: not in the schema, read by the `self` rule (config/permissions.json). */
  userId!: string;
}

@ObjectType('AuthPayload', { description: 'Tokens for one session: keep the refresh token secret, it is shown once' })
export class AuthPayload {
  @Field(() => String, { description: 'EdDSA JWT; send as "Authorization: Bearer <token>"' })
  accessToken!: string;

  @Field(() => Date)
  accessTokenExpiresAt!: Date;

  @Field(() => String, { description: 'Opaque, single-use: every refresh returns a new one' })
  refreshToken!: string;

  @Field(() => ID)
  sessionId!: string;

  @Field(() => ID, { nullable: true })
  tenantId!: string | null;

  @Field(() => MemberRole, { nullable: true })
  role!: MemberRole | null;
}
