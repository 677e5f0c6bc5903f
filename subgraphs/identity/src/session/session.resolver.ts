import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { ForbiddenError } from '@tenantry/errors';
import type { IdentityContext } from '../context';
import { Session } from './session.type';

function selfId(ctx: IdentityContext): string {
  if (ctx.principal.kind !== 'user') throw new ForbiddenError('Sessions belong to people, not API keys');
  return ctx.principal.userId;
}

@Resolver(() => Session)
export class SessionResolver {
  @Query(() => [Session], { description: "The signed-in person's live sessions, newest first" })
  async sessions(@Ctx() ctx: IdentityContext): Promise<Session[]> {
    const userId = selfId(ctx);
    const rows = await ctx.sessions.listOwn(userId);
    return rows.map((row) =>
      Object.assign(new Session(), {
        userId,
        id: row.id,
        tenantId: row.tenantId,
        createdAt: row.createdAt,
        lastUsedAt: row.lastUsedAt,
        expiresAt: row.expiresAt,
      }),
    );
  }

  @Mutation(() => Boolean, { description: 'Revoke one of your own sessions (its refresh token stops working)' })
  async revokeSession(@Arg('id', () => ID) id: string, @Ctx() ctx: IdentityContext): Promise<boolean> {
    await ctx.sessions.revokeOwn(selfId(ctx), id);
    return true;
  }
}
