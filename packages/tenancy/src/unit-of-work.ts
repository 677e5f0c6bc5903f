import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { ForbiddenError, NotFoundError, TenantSuspendedError } from '@tenantry/errors';
import { inSpan } from '@tenantry/tracing';
import { PLATFORM_SCHEMA, assertTenantId, quoteIdent, tenantGatedRoleName, tenantRoleName, tenantSchemaName } from './naming';

export type Work<T> = (manager: EntityManager) => Promise<T>;

/**
 * What a unit of work intends: `read` (the default) runs for trial, active and suspended
 * tenants — for a suspended one inside a READ ONLY transaction, so a write that slips in is
 * refused by PostgreSQL itself; `write` refuses a suspended tenant before any work runs;
 * `export` is the only access a cancelled tenant keeps (ADR 0006).
 */
export type TenantAccess = 'read' | 'write' | 'export';

/** Effective statuses (an expired trial already counts as what it expires to). */
export type TenantLifecycleStatus = 'trial' | 'active' | 'suspended' | 'cancelled' | 'purged';

/** PostgreSQL's "cannot execute … in a read-only transaction". */
const READ_ONLY_SQL_TRANSACTION = '25006';

/** PostgreSQL's "role does not exist": the tenant was never provisioned (or is purged). */
const UNDEFINED_ROLE = '42704';
/** What set_config('role', …) raises for a role that does not exist. */
const INVALID_PARAMETER_VALUE = '22023';

/**
 * Runs `work` in one transaction on a pooled connection, switched to the tenant:
 * search_path is the tenant's schema then platform, `tenantry.tenant_id` names the tenant for
 * logs, and the role is the tenant's own, which can reach no other tenant's schema and for which
 * the RLS policies on shared tables show only this tenant's rows. All three are
 * transaction-local, so the connection returns to the pool carrying nothing of this tenant.
 * This is the only place that sets search_path for tenant work.
 */
export async function withTenant<T>(dataSource: DataSource, tenantId: string, work: Work<T>, access: TenantAccess = 'read'): Promise<T> {
  return inSpan('db.tenant_transaction', { 'tenantry.tenant_id': tenantId, 'db.system': 'postgresql', 'tenantry.access': access }, () =>
    switchedTransaction(dataSource, tenantId, work, access),
  );
}

/**
 * Tenants whose last unit had to read the status (trial, suspended, cancelled): their next unit
 * opens with the status read. Every other tenant opens with the switch that reads none (ADR 0029).
 * Only a guess about which statement to send first — the role's name decides — so a wrong guess
 * costs one refused round trip, never a wrong answer. Bounded; oldest out first.
 */
const gatedTenants = new Set<string>();
const GATED_TENANTS_MAX = 100_000;

async function switchedTransaction<T>(dataSource: DataSource, tenantId: string, work: Work<T>, access: TenantAccess): Promise<T> {
  // Every value in the SQL text is derived from the validated tenant id (ADR 0026).
  const id = tenantLiteral(tenantId);
  const settings = `SET LOCAL search_path TO ${quoteIdent(tenantSchemaName(tenantId))}, ${PLATFORM_SCHEMA}; SET LOCAL tenantry.tenant_id TO ${id}`;
  return inTransaction(
    dataSource,
    async (runner) => {
      assertAccess(await openSwitched(runner, tenantId, id, settings), access);
      try {
        return await work(runner.manager);
      } catch (error) {
        if (pgCode(error) === READ_ONLY_SQL_TRANSACTION) throw new TenantSuspendedError();
        throw error;
      }
    },
    'opened',
  );
}

type Opening = 'active' | 'gated';

/**
 * Opens the transaction switched to the tenant and returns its effective status. The tenant's
 * role is named `_rw` exactly while the tenant is active and `_gated` otherwise (renamed by a
 * trigger in the transaction that changes the status), so:
 * - `active`: search_path, tenant id and `SET ROLE` to the `_rw` name, no status read. If the
 *   name exists the tenant is active — as fresh as reading the status, without reading it.
 * - `gated`: the status read (ADR 0026) and `SET ROLE` to the `_gated` name.
 * Whichever fails for want of its role name is rolled back and the other is tried; neither name
 * existing means the tenant does not (NOT_FOUND).
 */
async function openSwitched(runner: QueryRunner, tenantId: string, id: string, settings: string): Promise<TenantLifecycleStatus | null> {
  const order: Opening[] = gatedTenants.has(tenantId) ? ['gated', 'active'] : ['active', 'gated'];
  for (const opening of order) {
    if (opening === 'active') {
      if (await beginActive(runner, `${settings}; SET LOCAL ROLE ${quoteIdent(tenantRoleName(tenantId))}`)) {
        gatedTenants.delete(tenantId);
        return 'active';
      }
      continue;
    }
    const status = await beginSwitched(runner, id, `${settings}; SET LOCAL ROLE ${quoteIdent(tenantGatedRoleName(tenantId))}`);
    if (status === NO_ROLE) continue;
    // The status just read is what counts, whatever the name (an expired trial may count as
    // active, lifecycle_policy.trial_expires_to); privileges belong to the role, not to its name.
    if (!gatedTenants.has(tenantId)) {
      if (gatedTenants.size >= GATED_TENANTS_MAX) gatedTenants.delete(gatedTenants.values().next().value as string);
      gatedTenants.add(tenantId);
    }
    return status;
  }
  throw new NotFoundError('Tenant');
}

/** The opening for an active tenant: true when the `_rw` name exists, false (rolled back) when not. */
async function beginActive(runner: QueryRunner, statements: string): Promise<boolean> {
  try {
    await beginWith(runner, statements);
    return true;
  } catch (error) {
    if (!isMissingRole(error)) throw error;
    await runner.rollbackTransaction();
    return false;
  }
}

function isMissingRole(error: unknown): boolean {
  const code = pgCode(error);
  return code === UNDEFINED_ROLE || code === INVALID_PARAMETER_VALUE;
}

/** What beginSwitched answers when the role name it switched to does not exist. */
const NO_ROLE = Symbol('no role');

/** Name of the session-level prepared status lookup (versioned: a new text takes a new name). */
const STATUS_STATEMENT = 'tenantry_tenant_status_v1';

/**
 * The tenant's effective status (platform.tenant_access_status's rule: an expired trial is what
 * it expires to) and, for any tenant that is not trial or active, READ ONLY for the transaction.
 * A prepared statement: its plan is made once per connection, where calling the PL/pgSQL
 * function cost a function call and an executor start per unit of work.
 */
const PREPARE_STATUS =
  `PREPARE ${STATUS_STATEMENT}(uuid) AS ` +
  `SELECT x.status, CASE WHEN x.status IN ('trial', 'active') THEN NULL ELSE set_config('transaction_read_only', 'on', true) END AS read_only ` +
  `FROM (SELECT CASE WHEN t.status = 'trial' AND t.trial_ends_at <= now() ` +
  `THEN coalesce((SELECT p.trial_expires_to FROM ${PLATFORM_SCHEMA}.lifecycle_policy p), 'suspended') ELSE t.status END AS status ` +
  `FROM ${PLATFORM_SCHEMA}.tenants t WHERE t.id = $1 OFFSET 0) AS x`;

/** The same lookup through the function, needing nothing prepared: the last resort. */
const functionStatus = (id: string) =>
  `SELECT x.status, CASE WHEN x.status IN ('trial', 'active') THEN NULL ELSE set_config('transaction_read_only', 'on', true) END AS read_only ` +
  `FROM (SELECT ${PLATFORM_SCHEMA}.tenant_access_status(${id}::uuid) AS status OFFSET 0) AS x`;

/** pg clients (pooled connections) on which the status statement has been prepared. */
const preparedConnections = new WeakSet<object>();
/** PostgreSQL's invalid_sql_statement_name and duplicate_prepared_statement. */
const NO_SUCH_STATEMENT = '26000';
const STATEMENT_EXISTS = '42P05';

type StatusForm = 'execute' | 'prepare' | 'function';

/**
 * Opens the transaction, reads the status and switches, in one round trip; returns the status.
 * Whether this connection has the statement prepared is only a guess (a pooler may hand over
 * another server connection): a missing or duplicate statement moves on to the next form, and
 * the function form needs no session state at all.
 */
async function beginSwitched(runner: QueryRunner, id: string, switchSql: string): Promise<TenantLifecycleStatus | null | typeof NO_ROLE> {
  const client = (await runner.connect()) as object;
  const forms: StatusForm[] = preparedConnections.has(client) ? ['execute', 'prepare', 'function'] : ['prepare', 'execute', 'function'];
  for (let i = 0; ; i++) {
    const form = forms[i]!;
    const status = form === 'function' ? functionStatus(id) : `EXECUTE ${STATUS_STATEMENT}(${id})`;
    const prefix = form === 'prepare' ? `${PREPARE_STATUS}; ` : '';
    try {
      const results = await beginWith(runner, `${prefix}${status}; ${switchSql}`);
      if (form !== 'function') preparedConnections.add(client);
      return (results[prefix ? 2 : 1]?.rows[0] as { status?: TenantLifecycleStatus } | undefined)?.status ?? null;
    } catch (error) {
      if (isMissingRole(error)) {
        // SET ROLE comes last: the statement before it was prepared or executed, and a PREPARE
        // outlives the rollback (prepared statements are not transactional).
        if (form !== 'function') preparedConnections.add(client);
        await runner.rollbackTransaction();
        return NO_ROLE;
      }
      const code = pgCode(error);
      if ((code !== NO_SUCH_STATEMENT && code !== STATEMENT_EXISTS) || form === 'function') throw error;
      if (code === STATEMENT_EXISTS) preparedConnections.add(client);
      else preparedConnections.delete(client);
      await runner.rollbackTransaction();
    }
  }
}

/** `'<uuid>'`: a tenant id as an SQL literal, only once it matched the strict canonical pattern. */
function tenantLiteral(tenantId: string): string {
  return `'${assertTenantId(tenantId)}'`;
}

/** The part of TypeORM's query runner that tracks an open transaction (`transactionDepth` is protected). */
interface TransactionState {
  isTransactionActive: boolean;
  transactionDepth: number;
}

/**
 * Sends `START TRANSACTION; <statements>` as one simple-protocol query (no parameters, so the
 * driver may send several statements at once) and leaves the runner in the state TypeORM's own
 * startTransaction would: an entity manager call inside the work then joins this transaction
 * instead of opening one, and commit/rollback behave as usual. Returns each statement's result.
 */
async function beginWith(runner: QueryRunner, statements: string): Promise<{ rows: never[] }[]> {
  const sql = `START TRANSACTION; ${statements}`;
  const client = (await runner.connect()) as { query: (text: string) => Promise<unknown> };
  const state = runner as unknown as TransactionState;
  state.isTransactionActive = true;
  state.transactionDepth = 1;
  runner.dataSource.logger.logQuery(sql, undefined, runner);
  const result = await client.query(sql);
  return (Array.isArray(result) ? result : [result]) as { rows: never[] }[];
}

/** Refuses a unit of work its tenant's status does not allow (the rules of ADR 0006). */
export function assertAccess(status: TenantLifecycleStatus | null, access: TenantAccess): void {
  if (status === null || status === 'purged') throw new NotFoundError('Tenant');
  if (status === 'cancelled' && access !== 'export') {
    throw new ForbiddenError('This tenant is cancelled: only its data export is available', { reason: 'TENANT_CANCELLED' });
  }
  if (status === 'suspended' && access === 'write') throw new TenantSuspendedError();
}

/**
 * Platform staff acting on one tenant: the tenant's schema then platform on the search_path
 * (so its audit_events receive the record), as the application's login role — which may
 * change what the tenant role may not (status, plan, overrides), whatever the tenant's status.
 */
export async function withTenantAsPlatform<T>(dataSource: DataSource, tenantId: string, work: Work<T>): Promise<T> {
  const schema = tenantSchemaName(tenantId);
  const sql = `SET LOCAL search_path TO ${quoteIdent(schema)}, ${PLATFORM_SCHEMA}; SET LOCAL tenantry.tenant_id TO ${tenantLiteral(tenantId)}`;
  return inTransaction(
    dataSource,
    async (runner) => {
      await beginWith(runner, sql);
      return work(runner.manager);
    },
    'opened',
  );
}

/**
 * Runs `work` in one transaction against the shared `platform` schema only, as the
 * application's login role. For what must be found before a tenant is known, or across tenants.
 */
export async function withPlatform<T>(dataSource: DataSource, work: Work<T>): Promise<T> {
  return inTransaction(
    dataSource,
    async (runner) => {
      await beginWith(runner, `SET LOCAL search_path TO ${PLATFORM_SCHEMA}`);
      return work(runner.manager);
    },
    'opened',
  );
}

/**
 * Opens, commits or rolls back, and always releases one pooled connection. With `'opened'` the
 * body opens the transaction itself (beginWith, in the round trip of its first statements).
 */
export async function inTransaction<T>(
  dataSource: DataSource,
  body: (runner: QueryRunner) => Promise<T>,
  open: 'start' | 'opened' = 'start',
): Promise<T> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    if (open === 'start') await runner.startTransaction();
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
