import { Arg, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { BadUserInputError } from '@tenantry/errors';
import type { IdentityContext } from '../context';
import { toUser } from '../user/user.mapper';
import { User } from '../user/user.type';
import { ChangeMemberRoleInput } from './membership.input';
import { toMembership } from './membership.mapper';
import { Membership } from './membership.type';

const MAX_PAGE = 100;

@Resolver(() => Membership)
export class MembershipResolver {
  @Query(() => [Membership], { description: "Members of the request's tenant" })
  async members(@Arg('first', () => Int, { defaultValue: 50 }) first: number, @Ctx() ctx: IdentityContext): Promise<Membership[]> {
    if (first < 1 || first > MAX_PAGE)
      throw new BadUserInputError(`first must be between 1 and ${MAX_PAGE}`, { field: 'first', max: MAX_PAGE });
    return (await ctx.memberships.list(first)).map(toMembership);
  }

  @Mutation(() => Membership)
  async changeMemberRole(
    @Arg('input', () => ChangeMemberRoleInput) input: ChangeMemberRoleInput,
    @Ctx() ctx: IdentityContext,
  ): Promise<Membership> {
    return toMembership(await ctx.memberships.changeRole(input.userId, input.role, ctx));
  }

  @FieldResolver(() => User, { nullable: true })
  async user(@Root() membership: Membership, @Ctx() ctx: IdentityContext): Promise<User | null> {
    const entity = await ctx.userById.load(membership.userId);
    return entity ? toUser(entity) : null;
  }
}
