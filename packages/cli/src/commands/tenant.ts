import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import type { Principal } from '@tenantry/auth';
import { TenantryError } from '@tenantry/errors';
import { createDataSource, RequestDatabase, isTenantId } from '@tenantry/tenancy';
import { TenantEntity, TenantService, exportTenant, mapTenantErrors, purgeTenant } from '@tenantry/subgraph-tenant';
import type { CliConfig } from '../config';
import { openDatabase } from '../database';
import { ProgressBar, progressWanted } from '../progress';

/** Who the platform's audit records for CLI actions: platform staff at a terminal. */
export const CLI_OPERATOR_ID = '00000000-0000-4000-8000-00000000c1a0';

const USAGE = `usage: tenantry tenant <command> [--json]
  list [--status S] [--plan P] [--first N]   tenants, oldest first
  show <id|slug>                              one tenant
  create --slug S --name N [--plan P] [--trial]
  suspend <id> | resume <id> | cancel <id>    status changes (audited)
  export <id> --out FILE                      the tenant's data bundle (JSON)
  export --all --out-dir DIR [--status S]     every tenant not purged, one bundle each
                                              (progress bar on a terminal; --no-progress)
  purge <id>                                  drop a cancelled tenant's schema, role and rows`;

type Flags = Record<string, string | true>;

function parse(args: string[]): { positional: string[]; flags: Flags } {
  const positional: string[] = [];
  const flags: Flags = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--')) positional.push(arg);
    else if (args[i + 1] !== undefined && !args[i + 1]!.startsWith('--')) flags[arg.slice(2)] = args[++i]!;
    else flags[arg.slice(2)] = true;
  }
  return { positional, flags };
}

function summary(t: TenantEntity) {
  return { id: t.id, slug: t.slug, name: t.name, status: t.status, plan: t.plan, createdAt: t.createdAt };
}

/**
 * `tenant …`: platform-staff operations on tenants through the same services the API uses
 * (same validation, same audit). Human output by default, --json for scripts; exit 0 on
 * success, 1 on a refused or failed operation (the error code is printed), 2 on bad usage.
 */
export async function tenantCommand(args: string[], config: CliConfig): Promise<number> {
  const [sub, ...rest] = args;
  const { positional, flags } = parse(rest);
  const json = flags.json === true;
  const say = (human: string, data: unknown) => process.stdout.write(json ? `${JSON.stringify(data)}\n` : `${human}\n`);
  if (!sub || !['list', 'show', 'create', 'suspend', 'resume', 'cancel', 'export', 'purge'].includes(sub)) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const db = await openDatabase(config, (line) => process.stderr.write(`${line}\n`));
  const dataSource = createDataSource({ url: db.url, poolSize: 2, applicationName: 'tenantry-cli', entities: [TenantEntity] });
  await dataSource.initialize();
  const principal: Principal = { kind: 'user', userId: CLI_OPERATOR_ID, platformRole: 'platform_admin' };
  const actor = { principal, requestId: `cli-${os.userInfo().username}-${randomUUID()}` };
  const service = new TenantService(dataSource, new RequestDatabase(dataSource, undefined));
  try {
    switch (sub) {
      case 'list': {
        const page = await service.list(
          {
            ...(typeof flags.status === 'string' ? { status: flags.status as never } : {}),
            ...(typeof flags.plan === 'string' ? { plan: flags.plan } : {}),
          },
          { first: Number(flags.first ?? 100) },
        );
        const rows = page.rows.map((r) => summary(r.tenant));
        say(
          [
            ...rows.map((t) => `${t.id}  ${t.slug.padEnd(24)} ${t.status.padEnd(10)} ${t.plan.padEnd(10)} ${t.name}`),
            `${page.totalCount} tenant(s)`,
          ].join('\n'),
          { tenants: rows, totalCount: page.totalCount, countsByStatus: page.countsByStatus, hasNextPage: page.hasNextPage },
        );
        return 0;
      }
      case 'show': {
        const key = positional[0];
        if (!key) return usage();
        const tenant = await service.findVisible(isTenantId(key) ? { id: key } : { slug: key }, actor);
        if (!tenant) return fail(json, 'NOT_FOUND', `No tenant ${key}`);
        say(
          Object.entries(summary(tenant))
            .map(([k, v]) => `${k.padEnd(10)} ${String(v)}`)
            .join('\n'),
          summary(tenant),
        );
        return 0;
      }
      case 'create': {
        if (typeof flags.slug !== 'string' || typeof flags.name !== 'string') return usage();
        const tenant = await service.create(
          {
            slug: flags.slug,
            name: flags.name,
            ...(typeof flags.plan === 'string' ? { plan: flags.plan } : {}),
            ...(flags.trial ? { trial: true } : {}),
          },
          actor,
        );
        say(`created ${tenant.slug} (${tenant.id})`, summary(tenant));
        return 0;
      }
      case 'suspend':
      case 'resume':
      case 'cancel': {
        const id = positional[0];
        if (!id) return usage();
        const to = sub === 'suspend' ? 'suspended' : sub === 'resume' ? 'active' : 'cancelled';
        const tenant = await service.changeStatus(id, to, actor);
        say(`${tenant.slug}: ${tenant.status}`, summary(tenant));
        return 0;
      }
      case 'export': {
        if (flags.all === true) {
          if (typeof flags['out-dir'] !== 'string' || positional.length > 0) return usage();
          return await exportAll(
            service,
            dataSource,
            actor,
            flags['out-dir'],
            typeof flags.status === 'string' ? flags.status : undefined,
            {
              json,
              progress: progressWanted(rest, process.stderr),
            },
          );
        }
        const id = positional[0];
        if (!id || typeof flags.out !== 'string') return usage();
        const bundle = await exportTenant(dataSource, new RequestDatabase(dataSource, id), actor);
        await writeFile(flags.out, JSON.stringify(bundle, null, 2));
        say(`exported ${id} to ${flags.out}`, { tenantId: id, file: flags.out });
        return 0;
      }
      case 'purge': {
        const id = positional[0];
        if (!id) return usage();
        const outcome = await purgeTenant(dataSource, id, actor);
        say(outcome.purged ? `purged ${id}` : `${id} was already purged`, outcome);
        return 0;
      }
    }
    return usage();
  } catch (error) {
    const mapped = mapTenantErrors(error) ?? error;
    if (mapped instanceof TenantryError) return fail(json, mapped.code, mapped.message);
    throw error;
  } finally {
    await dataSource.destroy();
    await db.stop();
  }
}

/**
 * Exports every tenant (except purged ones) into DIR/<slug>.json, page by page, each in its own
 * export unit so one failure does not stop the rest. Exit 1 when any tenant failed; a failed
 * tenant leaves no file behind (bundles are written whole or not at all).
 */
async function exportAll(
  service: TenantService,
  dataSource: DataSource,
  actor: { principal: Principal; requestId: string },
  outDir: string,
  status: string | undefined,
  options: { json: boolean; progress: boolean },
): Promise<number> {
  await mkdir(outDir, { recursive: true });
  const tenants: TenantEntity[] = [];
  for (let after: string | null = null; ;) {
    const page = await service.list(status ? { status: status as never } : {}, { first: 100, after });
    tenants.push(...page.rows.map((r) => r.tenant).filter((t) => t.status !== 'purged'));
    if (!page.hasNextPage || page.rows.length === 0) break;
    after = page.rows[page.rows.length - 1]!.cursor;
  }
  const bar = new ProgressBar({ label: 'export', total: tenants.length, stream: process.stderr, enabled: options.progress });
  const exported: { tenantId: string; file: string }[] = [];
  const failed: { tenantId: string; error: string }[] = [];
  for (const tenant of tenants) {
    const file = path.join(outDir, `${tenant.slug}.json`);
    try {
      const bundle = await exportTenant(dataSource, new RequestDatabase(dataSource, tenant.id), actor);
      await writeFile(file, JSON.stringify(bundle, null, 2));
      exported.push({ tenantId: tenant.id, file });
      if (!bar.active && !options.json) process.stdout.write(`exported ${tenant.slug} (${tenant.id}) to ${file}\n`);
      bar.tick();
    } catch (error) {
      const mapped = mapTenantErrors(error) ?? error;
      const message = mapped instanceof TenantryError ? `${mapped.code}: ${mapped.message}` : String(error);
      failed.push({ tenantId: tenant.id, error: message });
      if (!options.json) bar.line(`tenant ${tenant.slug} (${tenant.id}): ${message}`);
      bar.tick('failed');
    }
  }
  bar.finish();
  process.stdout.write(
    options.json
      ? `${JSON.stringify({ exported, failed })}\n`
      : `${exported.length} tenant(s) exported to ${outDir}; ${failed.length} failed\n`,
  );
  return failed.length > 0 ? 1 : 0;
}

function usage(): number {
  process.stderr.write(`${USAGE}\n`);
  return 2;
}

function fail(json: boolean, code: string, message: string): number {
  process.stderr.write(json ? `${JSON.stringify({ error: { code, message } })}\n` : `${code}: ${message}\n`);
  return 1;
}
