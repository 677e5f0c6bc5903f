import type { UserEntity } from './user.entity';
import { User } from './user.type';

export function toUser(entity: UserEntity): User {
  return Object.assign(new User(), {
    id: entity.id,
    email: entity.email,
    displayName: entity.displayName,
    emailVerified: Boolean(entity.emailVerifiedAt),
  });
}
