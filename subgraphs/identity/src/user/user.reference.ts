import type { IdentityContext } from '../context';
import { toUser } from './user.mapper';
import type { User } from './user.type';

/** A User representation resolves only to someone in the request's tenant, or to oneself. */
export async function resolveUserReference(reference: { id: string }, ctx: IdentityContext): Promise<User | null> {
  const entity = await ctx.userById.load(reference.id);
  if (entity) return toUser(entity);
  if (ctx.principal.kind === 'user' && ctx.principal.userId === reference.id) {
    const self = await ctx.users.findSelf(reference.id);
    return self ? toUser(self) : null;
  }
  return null;
}
