import { Field, ObjectType } from 'type-graphql';

@ObjectType('AuditCheckpoint', { description: "A signed statement of the tenant's chain head: keep the token to detect later rewrites" })
export class AuditCheckpoint {
  @Field(() => String)
  sequence!: string;

  @Field(() => String, { description: 'Hash of the event at sequence, hex' })
  hash!: string;

  @Field(() => Date)
  signedAt!: Date;

  @Field(() => String)
  keyId!: string;

  @Field(() => String, { description: 'Compact JWS (EdDSA) over tenant, sequence, hash and time; verify with auditSigningKey' })
  token!: string;
}
