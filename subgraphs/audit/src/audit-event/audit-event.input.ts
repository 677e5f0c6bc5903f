import { Field, InputType } from 'type-graphql';

@InputType('AuditEventFilter', { description: 'Every given field must match (AND)' })
export class AuditEventFilter {
  @Field(() => String, { nullable: true, description: 'Exactly this actor (user id or API key id)' })
  actorId?: string | null;

  @Field(() => String, { nullable: true, description: 'Actions starting with this, e.g. "member." or "tenant.renamed"' })
  actionPrefix?: string | null;

  @Field(() => String, { nullable: true })
  resourceType?: string | null;

  @Field(() => String, { nullable: true, description: 'Exactly this resource id' })
  resourceId?: string | null;

  @Field(() => String, { nullable: true, description: 'Resource ids containing this text (case-insensitive)' })
  resourceIdContains?: string | null;

  @Field(() => Date, { nullable: true, description: 'Occurred at or after this instant' })
  occurredFrom?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Occurred before this instant' })
  occurredBefore?: Date | null;
}
