import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { RequestDatabase } from '@tenantry/tenancy';
import { UserEntity } from './user.entity';

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export class UserService {
  constructor(private readonly db: RequestDatabase) {}

  /** The signed-in person's own account (platform read, by their own id only). */
  findSelf(userId: string): Promise<UserEntity | null> {
    return this.db.platform((m) => m.findOneBy(UserEntity, { id: userId }));
  }
}

/** Creates (or finds, by normalised email) a user inside the caller's transaction. */
export async function ensureUser(
  manager: EntityManager,
  input: { email: string; displayName: string; platformRole?: 'platform_admin' | 'support' },
): Promise<UserEntity> {
  const email = normaliseEmail(input.email);
  const rows: UserEntity[] = await manager.query(
    `INSERT INTO platform.users (id, email, display_name, platform_role)
     VALUES ($1, $2, $3, $4)
     ON CONFLICT (email) DO UPDATE SET email = EXCLUDED.email
     RETURNING id, email, display_name AS "displayName", platform_role AS "platformRole",
               created_at AS "createdAt", updated_at AS "updatedAt"`,
    [randomUUID(), email, input.displayName, input.platformRole ?? null],
  );
  return Object.assign(new UserEntity(), rows[0]);
}
