import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { In } from 'typeorm';
import { appendAuditEvent, appendPlatformAuditEvent } from '@tenantry/audit-writer';
import type { Principal } from '@tenantry/auth';
import { ConflictError } from '@tenantry/errors';
import { provisionTenant, type RequestDatabase } from '@tenantry/tenancy';
import { TenantEntity } from './tenant.entity';
import { TenantDomainError, TenantErrorCode } from './tenant.errors';

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export interface Actor {
  principal: Principal;
  requestId: string;
}

export function validateSlug(slug: string): string {
  if (!SLUG.test(slug)) {
    throw new TenantDomainError(
      TenantErrorCode.INVALID_SLUG,
      'Slug must be 1-63 lower-case letters, digits or dashes, not starting or ending with a dash',
    );
  }
  return slug;
}

export function validateName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length < 1 || trimmed.length > 200) {
    throw new TenantDomainError(TenantErrorCode.INVALID_NAME, 'Name must be 1 to 200 characters');
  }
  return trimmed;
}

export class TenantService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly db: RequestDatabase,
  ) {}

  /** Batch read for the DataLoader: platform registry rows by id, in one query. */
  async findByIds(ids: readonly string[]): Promise<TenantEntity[]> {
    return this.db.platform((m) => m.find(TenantEntity, { where: { id: In([...ids]) } }));
  }

  /** Provisions atomically: registry row, role, schema, every tenant migration, audit event. */
  async create(input: { slug: string; name: string; plan?: string }, actor: Actor): Promise<TenantEntity> {
    const id = randomUUID();
    const slug = validateSlug(input.slug);
    const name = validateName(input.name);
    try {
      await provisionTenant(
        this.dataSource,
        { id, slug, name, plan: input.plan ?? 'free' },
        {
          beforeCommit: async (manager) => {
            const event = {
              action: 'tenant.created',
              actor: actor.principal,
              resourceType: 'tenant',
              resourceId: id,
              changes: { slug: { to: slug }, name: { to: name }, plan: { to: input.plan ?? 'free' } },
              requestId: actor.requestId,
            };
            // In the new tenant's trail and in the platform's own (creation is a platform act).
            await appendAuditEvent(manager, event);
            await appendPlatformAuditEvent(manager, { ...event, tenantId: id });
          },
        },
      );
    } catch (error) {
      if (error instanceof ConflictError && error.extensions.field === 'slug') {
        throw new TenantDomainError(TenantErrorCode.SLUG_TAKEN, 'A tenant with this slug already exists');
      }
      throw error;
    }
    const [created] = await this.findByIds([id]);
    return created!;
  }

  /** Renames the request's own tenant; the change and its audit event commit together. */
  async renameCurrent(name: string, actor: Actor): Promise<TenantEntity> {
    const newName = validateName(name);
    return this.db.tenant(async (manager) => {
      const tenant = await manager.findOneBy(TenantEntity, { id: this.db.tenantId! });
      if (!tenant) throw new TenantDomainError(TenantErrorCode.TENANT_NOT_FOUND, 'Tenant not found');
      const previous = tenant.name;
      tenant.name = newName;
      tenant.updatedAt = new Date();
      await manager.update(TenantEntity, { id: tenant.id }, { name: newName, updatedAt: tenant.updatedAt });
      await appendAuditEvent(manager, {
        action: 'tenant.renamed',
        actor: actor.principal,
        resourceType: 'tenant',
        resourceId: tenant.id,
        changes: { name: { from: previous, to: newName } },
        requestId: actor.requestId,
      });
      return tenant;
    });
  }
}
