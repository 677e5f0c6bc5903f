import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { NotFoundError } from '@tenantry/errors';
import { inSpan } from '@tenantry/tracing';
import { PLATFORM_SCHEMA, quoteIdent, tenantRoleName, tenantSchemaName } from './naming';

export type Work<T> = (manager: EntityManager) => Promise<T>;

/** PostgreSQL's "role does not exist": the tenant was never provisioned (or is purged). */
const UNDEFINED_ROLE = '42704';
/** What set_config('role', …) raises for a role that does not exist. */
const INVALID_PARAMETER_VALUE = '22023';

/**
 * Runs `work` in one transaction on a pooled connection, switched to the tenant:
 * search_path is the tenant's schema then platform, `tenantry.tenant_id` names the tenant for
 * the RLS policies on shared tables, and the role is the tenant's own, which can reach no
 * other tenant's schema. All three are transaction-local, so the connection returns to the
 * pool carrying nothing of this tenant. This is the only place that sets search_path for
 * tenant work.
 */
export async function withTenant<T>(dataSource: DataSource, tenantId: string, work: Work<T>): Promise<T> {
  const schema = tenantSchemaName(tenantId);
  const role = tenantRoleName(tenantId);
  return inSpan('db.tenant_transaction', { 'tenantry.tenant_id': tenantId, 'db.system': 'postgresql' }, () =>
    switchedTransaction(dataSource, tenantId, schema, role, work),
  );
}

async function switchedTransaction<T>(dataSource: DataSource, tenantId: string, schema: string, role: string, work: Work<T>): Promise<T> {
  return inTransaction(dataSource, async (runner) => {
    // One round trip: set_config('role', …, true) is SET LOCAL ROLE taking a bind parameter.
    try {
      await runner.query(
        `SELECT set_config('search_path', $1, true), set_config('tenantry.tenant_id', $2, true), set_config('role', $3, true)`,
        [`${quoteIdent(schema)}, ${PLATFORM_SCHEMA}`, tenantId, role],
      );
    } catch (error) {
      if (pgCode(error) === UNDEFINED_ROLE || pgCode(error) === INVALID_PARAMETER_VALUE) throw new NotFoundError('Tenant');
      throw error;
    }
    return work(runner.manager);
  });
}

/**
 * Runs `work` in one transaction against the shared `platform` schema only, as the
 * application's login role. For what must be found before a tenant is known, or across tenants.
 */
export async function withPlatform<T>(dataSource: DataSource, work: Work<T>): Promise<T> {
  return inTransaction(dataSource, async (runner) => {
    await runner.query(`SELECT set_config('search_path', $1, true)`, [PLATFORM_SCHEMA]);
    return work(runner.manager);
  });
}

/**
 * Platform work that must also touch one tenant's schema in the same transaction, as the
 * application's login role: for what a tenant role may not do — create an account, read a
 * secret's hash — atomically with that tenant's rows (accepting an invitation, where the tenant
 * is known only from the secret). search_path is the tenant's schema then platform, as in
 * withTenant, but no tenant role and so no RLS: the work must name its tenant in every query.
 */
export async function withTenantAsPlatform<T>(dataSource: DataSource, tenantId: string, work: Work<T>): Promise<T> {
  const schema = tenantSchemaName(tenantId);
  return inTransaction(dataSource, async (runner) => {
    await runner.query(`SELECT set_config('search_path', $1, true), set_config('tenantry.tenant_id', $2, true)`, [
      `${quoteIdent(schema)}, ${PLATFORM_SCHEMA}`,
      tenantId,
    ]);
    return work(runner.manager);
  });
}

/** Opens, commits or rolls back, and always releases one pooled connection. */
export async function inTransaction<T>(dataSource: DataSource, body: (runner: QueryRunner) => Promise<T>): Promise<T> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.startTransaction();
    const result = await body(runner);
    await runner.commitTransaction();
    return result;
  } catch (error) {
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    throw error;
  } finally {
    await runner.release();
  }
}

export function pgCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; driverError?: { code?: unknown } };
  const code = e?.driverError?.code ?? e?.code;
  return typeof code === 'string' ? code : undefined;
}

export function pgConstraint(error: unknown): string | undefined {
  const e = error as { constraint?: unknown; driverError?: { constraint?: unknown } };
  const constraint = e?.driverError?.constraint ?? e?.constraint;
  return typeof constraint === 'string' ? constraint : undefined;
}
