import { Arg, Ctx, Int, Query, Resolver } from 'type-graphql';
import { BadUserInputError, ForbiddenError } from '@tenantry/errors';
import type { IdentityContext } from '../context';
import { DevMail } from './mail.type';

@Resolver(() => DevMail)
export class MailResolver {
  @Query(() => [DevMail], { description: 'Development mailbox (platform staff, never in production): the outbox for one address' })
  async devMailbox(
    @Arg('recipient', () => String) recipient: string,
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
    @Ctx() ctx: IdentityContext,
  ): Promise<DevMail[]> {
    if (!ctx.mailbox.isEnabled) throw new ForbiddenError('The development mailbox is disabled in production');
    if (first < 1 || first > 100) throw new BadUserInputError('first must be between 1 and 100', { field: 'first', max: 100 });
    const rows = await ctx.mailbox.read(recipient, first);
    return rows.map((row) =>
      Object.assign(new DevMail(), {
        id: row.id,
        recipient: row.recipient,
        template: row.template,
        subject: row.subject,
        body: row.body,
        createdAt: row.createdAt,
      }),
    );
  }
}
