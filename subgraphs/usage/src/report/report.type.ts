import { Field, Float, ObjectType, registerEnumType } from 'type-graphql';

export enum HistoryBucket {
  HOUR = 'hour',
  DAY = 'day',
  MONTH = 'month',
}
registerEnumType(HistoryBucket, { name: 'HistoryBucket' });

export enum HealthStatus {
  HEALTHY = 'healthy',
  WARNING = 'warning',
  CRITICAL = 'critical',
}
registerEnumType(HealthStatus, { name: 'HealthStatus' });

@ObjectType('UsageBucket', { description: 'Units granted and refused in one time bucket (UTC)' })
export class UsageBucket {
  @Field(() => Date)
  start!: Date;

  @Field(() => Float)
  granted!: number;

  @Field(() => Float)
  refused!: number;
}

@ObjectType('BillingLine')
export class BillingLine {
  @Field(() => String)
  resource!: string;

  @Field(() => Float, { nullable: true, description: 'Included in the plan; null: unlimited' })
  included!: number | null;

  @Field(() => Float)
  used!: number;

  @Field(() => Float)
  overageUnits!: number;

  @Field(() => Float, { description: 'Cents per unit beyond the included amount' })
  overageUnitCents!: number;

  @Field(() => Float)
  overageCents!: number;
}

@ObjectType('BillingReport', { description: 'Computed from stored usage; the same inputs always give the same report' })
export class BillingReport {
  @Field(() => String, { description: 'YYYY-MM' })
  month!: string;

  @Field(() => String)
  plan!: string;

  @Field(() => Float)
  planPriceCents!: number;

  @Field(() => [BillingLine])
  lines!: BillingLine[];

  @Field(() => Float)
  totalCents!: number;
}

@ObjectType('TenantHealth')
export class TenantHealth {
  @Field(() => HealthStatus)
  status!: HealthStatus;

  @Field(() => [String], { description: 'Why the status is what it is; empty when healthy' })
  reasons!: string[];
}
