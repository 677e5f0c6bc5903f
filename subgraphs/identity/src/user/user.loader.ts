import DataLoader from 'dataloader';
import { In } from 'typeorm';
import type { RequestDatabase } from '@tenantry/tenancy';
import { UserEntity } from './user.entity';

/**
 * Users by id, one query per batch. Inside a tenant the read runs as the tenant role, so RLS
 * returns only people who belong to that tenant; anyone else resolves to null.
 */
export function createUserLoader(db: RequestDatabase): DataLoader<string, UserEntity | null> {
  return new DataLoader(async (ids) => {
    const find = (m: import('typeorm').EntityManager) => m.find(UserEntity, { where: { id: In([...ids]) } });
    const rows = db.tenantId ? await db.tenant(find) : [];
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}
