import { Field, ObjectType } from 'type-graphql';

@ObjectType('TenantDomain', { description: 'A custom domain; usable once a DNS TXT record proves the tenant controls it' })
export class TenantDomain {
  @Field(() => String)
  domain!: string;

  @Field(() => Boolean)
  verified!: boolean;

  @Field(() => Date, { nullable: true })
  verifiedAt!: Date | null;

  @Field(() => String, { description: 'Create a TXT record with this name…' })
  verificationRecordName!: string;

  @Field(() => String, { description: '…and this value, then call verifyTenantDomain' })
  verificationRecordValue!: string;

  @Field(() => Date)
  createdAt!: Date;
}
