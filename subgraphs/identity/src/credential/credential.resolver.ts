import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { ForbiddenError } from '@tenantry/errors';
import type { IdentityContext } from '../context';

@Resolver()
export class CredentialResolver {
  @Mutation(() => Boolean, { description: 'Confirm your email address with the mailed code' })
  async verifyEmail(@Arg('token', () => String) token: string, @Ctx() ctx: IdentityContext): Promise<boolean> {
    await ctx.credentials.verifyEmail(token);
    return true;
  }

  @Mutation(() => Boolean, { description: 'Mail a new confirmation code to your (unverified) address' })
  async requestEmailVerification(@Ctx() ctx: IdentityContext): Promise<boolean> {
    if (ctx.principal.kind !== 'user') throw new ForbiddenError('Only a signed-in person has an email address');
    await ctx.credentials.requestVerification(ctx.principal.userId);
    return true;
  }

  @Mutation(() => Boolean, { description: 'Mail a reset code if this address has an account (always true)' })
  async requestPasswordReset(@Arg('email', () => String) email: string, @Ctx() ctx: IdentityContext): Promise<boolean> {
    await ctx.credentials.requestPasswordReset(email);
    return true;
  }

  @Mutation(() => Boolean, { description: 'Set a new password with a mailed reset code; every session of the account ends' })
  async resetPassword(
    @Arg('token', () => String) token: string,
    @Arg('newPassword', () => String) newPassword: string,
    @Ctx() ctx: IdentityContext,
  ): Promise<boolean> {
    await ctx.credentials.resetPassword(token, newPassword);
    return true;
  }
}
