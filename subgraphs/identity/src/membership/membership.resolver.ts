import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { BadUserInputError } from '@tenantry/errors';
import type { IdentityContext } from '../context';
import { toUser } from '../user/user.mapper';
import { User } from '../user/user.type';
import { ChangeMemberRoleInput } from './membership.input';
import { toMembership } from './membership.mapper';
import { MemberConnection, MemberEdge, MemberPageInfo, MemberRole, MemberStatus, Membership } from './membership.type';

const MAX_PAGE = 100;

@Resolver(() => Membership)
export class MembershipResolver {
  @Query(() => [Membership], { description: "Members of the request's tenant" })
  async members(@Arg('first', () => Int, { defaultValue: 50 }) first: number, @Ctx() ctx: IdentityContext): Promise<Membership[]> {
    if (first < 1 || first > MAX_PAGE)
      throw new BadUserInputError(`first must be between 1 and ${MAX_PAGE}`, { field: 'first', max: MAX_PAGE });
    return (await ctx.memberships.list(first)).map(toMembership);
  }

  @Query(() => MemberConnection, { description: "Members of the request's tenant, oldest first, a page at a time" })
  async membersConnection(
    @Arg('first', () => Int, { defaultValue: 50 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | undefined,
    @Arg('role', () => MemberRole, { nullable: true }) role: MemberRole | undefined,
    @Arg('status', () => MemberStatus, { nullable: true }) status: MemberStatus | undefined,
    @Ctx() ctx: IdentityContext,
  ): Promise<MemberConnection> {
    if (first < 1 || first > MAX_PAGE)
      throw new BadUserInputError(`first must be between 1 and ${MAX_PAGE}`, { field: 'first', max: MAX_PAGE });
    const page = await ctx.memberships.page({ first, after: after ?? undefined, role: role ?? undefined, status: status ?? undefined });
    const edges = page.rows.map(({ membership, cursor }) => Object.assign(new MemberEdge(), { cursor, node: toMembership(membership) }));
    return Object.assign(new MemberConnection(), {
      edges,
      pageInfo: Object.assign(new MemberPageInfo(), { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null }),
    });
  }

  @Mutation(() => Boolean, { description: 'Remove someone from the tenant (never above your own role, never the last owner)' })
  async removeMember(@Arg('userId', () => ID) userId: string, @Ctx() ctx: IdentityContext): Promise<boolean> {
    await ctx.memberships.remove(userId, ctx);
    return true;
  }

  @Mutation(() => Membership, { description: 'Suspend a member: no new access, seat and history kept' })
  async suspendMember(@Arg('userId', () => ID) userId: string, @Ctx() ctx: IdentityContext): Promise<Membership> {
    return toMembership(await ctx.memberships.setStatus(userId, 'suspended', ctx));
  }

  @Mutation(() => Membership)
  async reactivateMember(@Arg('userId', () => ID) userId: string, @Ctx() ctx: IdentityContext): Promise<Membership> {
    return toMembership(await ctx.memberships.setStatus(userId, 'active', ctx));
  }

  @Mutation(() => Boolean, { description: 'Leave the tenant of this request (the last owner must transfer ownership first)' })
  async leaveTenant(@Ctx() ctx: IdentityContext): Promise<boolean> {
    await ctx.memberships.leave(ctx);
    return true;
  }

  @Mutation(() => Membership, { description: 'Make another member the owner; you become an admin' })
  async transferOwnership(@Arg('userId', () => ID) userId: string, @Ctx() ctx: IdentityContext): Promise<Membership> {
    return toMembership(await ctx.memberships.transferOwnership(userId, ctx));
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
