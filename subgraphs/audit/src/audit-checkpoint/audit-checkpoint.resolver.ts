import { GraphQLJSONObject } from 'graphql-scalars';
import { Arg, Ctx, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { AuditContext } from '../context';
import { toAuditCheckpoint } from './audit-checkpoint.mapper';
import { AuditCheckpoint } from './audit-checkpoint.type';

@Resolver(() => AuditCheckpoint)
export class AuditCheckpointResolver {
  @Query(() => [AuditCheckpoint], { description: "The tenant's signed checkpoints, newest first" })
  async auditCheckpoints(
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
    @Ctx() ctx: AuditContext,
  ): Promise<AuditCheckpoint[]> {
    return (await ctx.auditCheckpoints.latest(first)).map(toAuditCheckpoint);
  }

  @Mutation(() => AuditCheckpoint, { description: "Signs the tenant's audit chain head now" })
  async createAuditCheckpoint(@Ctx() ctx: AuditContext): Promise<AuditCheckpoint> {
    return toAuditCheckpoint(await ctx.auditCheckpoints.create());
  }

  @Query(() => GraphQLJSONObject, { description: 'The public Ed25519 JWK that signs audit checkpoints now' })
  auditSigningKey(@Ctx() ctx: AuditContext): Record<string, unknown> {
    return { ...ctx.auditSigning.publicJwk };
  }

  @Query(() => GraphQLJSONObject, { description: 'Every public key that audit statements verify against (JWKS: current and retired)' })
  auditVerificationKeys(@Ctx() ctx: AuditContext): Record<string, unknown> {
    return { keys: ctx.auditSigning.verificationKeys.keys.map((k) => ({ ...k })) };
  }
}
