import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { IdentityContext } from '../context';
import { AuthPayload } from '../session/session.type';
import { AcceptInvitationInput, InviteMemberInput } from './invitation.input';
import type { InvitationRow } from './invitation.service';
import { Invitation, InvitationStatus } from './invitation.type';
import { MemberRole } from '../membership/membership.type';

function toInvitation(row: InvitationRow): Invitation {
  return Object.assign(new Invitation(), {
    id: row.id,
    email: row.email,
    role: row.role as MemberRole,
    status: row.status as InvitationStatus,
    expiresAt: row.expiresAt,
    createdAt: row.createdAt,
  });
}

@Resolver(() => Invitation)
export class InvitationResolver {
  @Query(() => [Invitation], { description: 'Pending invitations of the tenant, newest first' })
  async invitations(@Ctx() ctx: IdentityContext): Promise<Invitation[]> {
    return (await ctx.invitations.listPending()).map(toInvitation);
  }

  @Mutation(() => Invitation, { description: 'Invite an email with a role no higher than your own; the link goes by email' })
  async inviteMember(@Arg('input', () => InviteMemberInput) input: InviteMemberInput, @Ctx() ctx: IdentityContext): Promise<Invitation> {
    return toInvitation(await ctx.invitations.invite(input, ctx));
  }

  @Mutation(() => Invitation, { description: 'Send a fresh link (the previous one stops working) with a new expiry' })
  async resendInvitation(@Arg('id', () => ID) id: string, @Ctx() ctx: IdentityContext): Promise<Invitation> {
    return toInvitation(await ctx.invitations.resend(id, ctx));
  }

  @Mutation(() => Boolean)
  async revokeInvitation(@Arg('id', () => ID) id: string, @Ctx() ctx: IdentityContext): Promise<boolean> {
    await ctx.invitations.revoke(id, ctx);
    return true;
  }

  @Mutation(() => AuthPayload, { description: 'Join the tenant (creating your account if needed) and get a session in it' })
  acceptInvitation(
    @Arg('input', () => AcceptInvitationInput) input: AcceptInvitationInput,
    @Ctx() ctx: IdentityContext,
  ): Promise<AuthPayload> {
    return ctx.invitations.accept(input, ctx.principal);
  }
}
