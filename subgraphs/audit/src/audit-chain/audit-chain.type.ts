import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ChainBreakReason } from './audit-chain.service';

registerEnumType(ChainBreakReason, {
  name: 'AuditChainBreakReason',
  description: 'Why the audit chain is broken at a sequence number',
  valuesConfig: {
    CONTENT_MISMATCH: { description: 'The event no longer hashes to its stored hash: it was edited' },
    GAP: { description: 'The event is missing between two others: it was deleted' },
    FORK: { description: "The event does not link to its predecessor's hash: the chain was rewritten from here" },
    CHECKPOINT_MISMATCH: { description: 'A signed checkpoint disagrees with the chain, or does not verify' },
    TRUNCATED: { description: 'Events that the head or a signed checkpoint covers are gone from the end' },
  },
});

@ObjectType('AuditChainBreak')
export class AuditChainBreak {
  @Field(() => String, { description: 'The first broken sequence number' })
  sequence!: string;

  @Field(() => ChainBreakReason)
  reason!: ChainBreakReason;

  @Field(() => String)
  detail!: string;
}

@ObjectType('AuditChainVerification', { description: 'The outcome of re-hashing a range of the audit chain' })
export class AuditChainVerification {
  @Field(() => Boolean)
  ok!: boolean;

  @Field(() => String)
  fromSequence!: string;

  @Field(() => String)
  toSequence!: string;

  @Field(() => String, { description: 'The chain head when verification started' })
  headSequence!: string;

  @Field(() => Int)
  checkedEvents!: number;

  @Field(() => Int)
  checkpointsChecked!: number;

  @Field(() => String, { nullable: true, description: 'The last event retention purged; its signed purge record anchors the chain' })
  purgedThroughSequence!: string | null;

  @Field(() => AuditChainBreak, { nullable: true, description: 'Where and why the chain breaks first; null when ok' })
  firstBreak!: AuditChainBreak | null;
}
