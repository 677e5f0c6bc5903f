import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { UsageCounter } from '../usage/usage-counter.type';

/** Usage contributes `usage` to the tenant subgraph's Tenant. */
@Directive('@key(fields: "id")')
@ObjectType('Tenant')
export class TenantUsage {
  @Field(() => ID)
  id!: string;

  @Field(() => [UsageCounter], { description: "This month's counters (usage subgraph)" })
  usage?: UsageCounter[];
}
