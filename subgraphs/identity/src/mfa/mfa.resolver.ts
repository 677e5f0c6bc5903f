import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { ForbiddenError } from '@tenantry/errors';
import type { IdentityContext } from '../context';
import { MfaEnrollment } from './mfa.type';

function selfId(ctx: IdentityContext): string {
  if (ctx.principal.kind !== 'user') throw new ForbiddenError('Only a signed-in person has a second factor');
  return ctx.principal.userId;
}

@Resolver()
export class MfaResolver {
  @Mutation(() => MfaEnrollment, { description: 'Start two-factor enrolment: a TOTP secret for your authenticator app' })
  async enrollMfa(@Ctx() ctx: IdentityContext): Promise<MfaEnrollment> {
    const userId = selfId(ctx);
    const self = await ctx.users.findSelf(userId);
    return Object.assign(new MfaEnrollment(), await ctx.mfa.enroll(userId, self?.email ?? userId), { userId });
  }

  @Mutation(() => [String], { description: 'Turn two-factor on with a first code; returns recovery codes, shown only now' })
  confirmMfa(@Arg('code', () => String) code: string, @Ctx() ctx: IdentityContext): Promise<string[]> {
    return ctx.mfa.confirm(selfId(ctx), code);
  }

  @Mutation(() => Boolean, { description: 'Turn two-factor off with a current code or a recovery code' })
  async disableMfa(@Arg('code', () => String) code: string, @Ctx() ctx: IdentityContext): Promise<boolean> {
    await ctx.mfa.disable(selfId(ctx), code);
    return true;
  }
}
