import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { ForbiddenError } from '@tenantry/errors';
import type { IdentityContext } from '../context';
import { AuthPayload } from '../session/session.type';
import { RefreshSessionInput, SignInInput, SignUpInput, SwitchTenantInput } from './account.input';
import { SignUpResult } from './account.result';

@Resolver()
export class AccountResolver {
  @Mutation(() => SignUpResult, { description: 'Register; optionally create an organisation you own' })
  async signUp(@Arg('input', () => SignUpInput) input: SignUpInput, @Ctx() ctx: IdentityContext): Promise<SignUpResult> {
    await ctx.accounts.signUp(input, ctx.requestId);
    return Object.assign(new SignUpResult(), { accepted: true });
  }

  @Mutation(() => AuthPayload)
  signIn(@Arg('input', () => SignInInput) input: SignInInput, @Ctx() ctx: IdentityContext): Promise<AuthPayload> {
    // The tenant the gateway resolved (slug, subdomain, custom domain, X-Tenant-Id) is the one
    // signed in to; naming another one in the input is the same disagreement the gateway refuses.
    if (input.tenantId && ctx.tenantId && input.tenantId !== ctx.tenantId) {
      throw new ForbiddenError('tenantId does not match the tenant this request is addressed to', { field: 'tenantId' });
    }
    const tenantId = input.tenantId ?? ctx.tenantId;
    return ctx.accounts.signIn(
      { ...input, ...(tenantId ? { tenantId } : {}) },
      { requestId: ctx.requestId, clientIp: ctx.clientIp, userAgent: ctx.userAgent },
    );
  }

  @Mutation(() => AuthPayload, { description: 'Trade a refresh token for new tokens (the old refresh token is spent)' })
  refreshSession(@Arg('input', () => RefreshSessionInput) input: RefreshSessionInput, @Ctx() ctx: IdentityContext): Promise<AuthPayload> {
    return ctx.sessions.rotate(input.refreshToken, {
      meta: { requestId: ctx.requestId, clientIp: ctx.clientIp, userAgent: ctx.userAgent },
    });
  }

  @Mutation(() => Boolean, { description: 'End the session of this refresh token (always true)' })
  async signOut(@Arg('input', () => RefreshSessionInput) input: RefreshSessionInput, @Ctx() ctx: IdentityContext): Promise<boolean> {
    await ctx.sessions.signOut(input.refreshToken);
    return true;
  }

  @Mutation(() => AuthPayload, { description: 'Move the current session to another tenant you belong to' })
  switchTenant(@Arg('input', () => SwitchTenantInput) input: SwitchTenantInput, @Ctx() ctx: IdentityContext): Promise<AuthPayload> {
    if (ctx.principal.kind !== 'user') throw new ForbiddenError('Only a signed-in person can switch tenants');
    return ctx.sessions.rotate(input.refreshToken, { switchTo: input.tenantId, userId: ctx.principal.userId });
  }
}
