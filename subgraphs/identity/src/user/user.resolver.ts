import { Ctx, Query, Resolver } from 'type-graphql';
import type { IdentityContext } from '../context';
import { toUser } from './user.mapper';
import { User } from './user.type';

@Resolver(() => User)
export class UserResolver {
  @Query(() => User, { nullable: true, description: 'The signed-in person' })
  async me(@Ctx() ctx: IdentityContext): Promise<User | null> {
    if (ctx.principal.kind !== 'user') return null;
    const entity = await ctx.users.findSelf(ctx.principal.userId);
    return entity ? toUser(entity) : null;
  }
}
