import type { EntityManager } from 'typeorm';
import { AuditChainDomainError, AuditSigningService, PLATFORM_CHAIN_ID, verifyChain } from '@tenantry/subgraph-audit';
import { PLATFORM_SCHEMA, createDataSource, isTenantId, withPlatform, withTenantAsPlatform } from '@tenantry/tenancy';
import type { CliConfig } from '../config';
import { openDatabase } from '../database';
import { resolvePlatformKeys } from '../dev-keys';

const USAGE = `usage: tenantry audit verify [--tenant <id|slug>] [--platform] [--from N --to N] [--checkpoint TOKEN] [--json]
  verifies the hash chain of one tenant (--tenant), of the platform (--platform), or of every
  tenant and the platform (neither), against every stored signed checkpoint and purge record
  --from/--to/--checkpoint need exactly one chain; a checkpoint token is one you kept elsewhere
  exit 0: everything verifies; 1: a chain is broken (first broken sequence and reason printed); 2: bad usage`;

/** One chain's verdict, as --json prints it. */
interface ChainReport {
  chain: string;
  slug?: string;
  ok: boolean;
  from: string;
  to: string;
  headSeq: string;
  checkedEvents: number;
  checkpointsChecked: number;
  latestCheckpoint: string | null;
  purgedThrough?: string;
  break?: { seq: string; reason: string; detail: string };
}

interface Options {
  tenant?: string;
  platform: boolean;
  from?: bigint;
  to?: bigint;
  checkpoint?: string;
  json: boolean;
}

class UsageError extends Error {}

function parseOptions(args: string[]): Options {
  const options: Options = { platform: false, json: false };
  const value = (i: number, flag: string): string => {
    const next = args[i + 1];
    if (next === undefined || next.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    return next;
  };
  const sequence = (text: string, flag: string): bigint => {
    if (!/^[0-9]{1,18}$/.test(text)) throw new UsageError(`${flag} must be a sequence number`);
    return BigInt(text);
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    switch (arg) {
      case '--tenant':
        options.tenant = value(i++, arg);
        break;
      case '--platform':
        options.platform = true;
        break;
      case '--from':
        options.from = sequence(value(i++, arg), arg);
        break;
      case '--to':
        options.to = sequence(value(i++, arg), arg);
        break;
      case '--checkpoint':
        options.checkpoint = value(i++, arg);
        break;
      case '--json':
        options.json = true;
        break;
      default:
        throw new UsageError(`unknown argument ${arg}`);
    }
  }
  const single = (options.tenant !== undefined) !== options.platform;
  if ((options.from !== undefined || options.to !== undefined || options.checkpoint !== undefined) && !single) {
    throw new UsageError('--from, --to and --checkpoint need exactly one chain (--tenant or --platform)');
  }
  if (options.from !== undefined && options.to !== undefined && options.to < options.from) throw new UsageError('--to is before --from');
  return options;
}

/**
 * `audit verify`: recomputes every hash of the chosen chains from the database, checks the links,
 * the signed checkpoints and purge records (audit signing key: AUDIT_SIGNING_KEY, or the
 * development key) and reports each chain's first break. Exit codes scripts can trust: 0 all
 * verify, 1 a chain is broken (or a named tenant does not exist), 2 bad usage.
 */
export async function auditCommand(args: string[], config: CliConfig): Promise<number> {
  const [sub, ...rest] = args;
  let options: Options;
  try {
    if (sub !== 'verify') throw new UsageError(sub ? `unknown audit command ${sub}` : 'missing command');
    options = parseOptions(rest);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n${USAGE}\n`);
    return 2;
  }
  const signingKey = config.AUDIT_SIGNING_KEY ?? (await resolvePlatformKeys(config)).AUDIT_SIGNING_KEY;
  const signing = await AuditSigningService.fromPrivateJwk(signingKey, config.AUDIT_RETIRED_VERIFY_KEYS);
  const db = await openDatabase(config, (line) => process.stderr.write(`${line}\n`));
  const dataSource = createDataSource({ url: db.url, poolSize: 2, applicationName: 'tenantry-cli-audit' });
  await dataSource.initialize();
  try {
    const everything = options.tenant === undefined && !options.platform;
    const tenantKey = options.tenant;
    const tenants: { id: string; slug: string }[] =
      tenantKey === undefined && !everything
        ? []
        : await withPlatform(dataSource, (m) =>
            tenantKey === undefined
              ? m.query(`SELECT id, slug FROM ${PLATFORM_SCHEMA}.tenants WHERE status <> 'purged' ORDER BY created_at, id`)
              : m.query(
                  `SELECT id, slug FROM ${PLATFORM_SCHEMA}.tenants WHERE status <> 'purged' AND ${isTenantId(tenantKey) ? 'id' : 'slug'} = $1`,
                  [tenantKey],
                ),
          );
    if (options.tenant !== undefined && tenants.length === 0) {
      process.stderr.write(
        options.json
          ? `${JSON.stringify({ error: { code: 'NOT_FOUND', message: `No tenant ${options.tenant}` } })}\n`
          : `NOT_FOUND: No tenant ${options.tenant}\n`,
      );
      return 1;
    }
    const range = {
      ...(options.from !== undefined ? { from: options.from } : {}),
      ...(options.to !== undefined ? { to: options.to } : {}),
      ...(options.checkpoint !== undefined ? { checkpointToken: options.checkpoint } : {}),
    };
    const chains: {
      chain: string;
      slug?: string;
      run: <T>(work: (m: EntityManager) => Promise<T>) => Promise<T>;
      tenantId: string | null;
    }[] = [
      ...(options.platform || everything
        ? [{ chain: PLATFORM_CHAIN_ID, tenantId: null, run: <T>(work: (m: EntityManager) => Promise<T>) => withPlatform(dataSource, work) }]
        : []),
      ...tenants.map((t) => ({
        chain: t.id,
        slug: t.slug,
        tenantId: t.id,
        // As the login role: a suspended or cancelled tenant's trail is verified too.
        run: <T>(work: (m: EntityManager) => Promise<T>) => withTenantAsPlatform(dataSource, t.id, work),
      })),
    ];
    const progress = !options.json && process.stderr.isTTY && chains.length > 1;
    const reports: ChainReport[] = [];
    for (const [index, chain] of chains.entries()) {
      if (progress) process.stderr.write(`\rverifying ${index + 1}/${chains.length} chains…`);
      const check = () =>
        chain.run(async (m) => {
          const result = await verifyChain(m, chain.tenantId, signing, range);
          const [latest] = (await m.query(`SELECT max(c.seq)::text AS seq FROM audit_checkpoints c`)) as { seq: string | null }[];
          return { result, latestCheckpoint: latest?.seq ?? null };
        });
      let outcome;
      try {
        outcome = await check();
        // A retention purge committing mid-read can look like a gap once; real damage is there twice.
        if (!outcome.result.ok) outcome = await check();
      } catch (error) {
        if (!(error instanceof AuditChainDomainError)) throw error;
        if (progress) process.stderr.write('\n');
        process.stderr.write(`${chain.slug ?? chain.chain}: ${error.message}\n${USAGE}\n`);
        return 2;
      }
      const { result, latestCheckpoint } = outcome;
      reports.push({
        chain: chain.chain,
        ...(chain.slug ? { slug: chain.slug } : {}),
        ok: result.ok,
        from: result.from.toString(),
        to: result.to.toString(),
        headSeq: result.headSeq.toString(),
        checkedEvents: result.checkedEvents,
        checkpointsChecked: result.checkpointsChecked,
        latestCheckpoint,
        ...(result.purgedThrough !== undefined ? { purgedThrough: result.purgedThrough.toString() } : {}),
        ...(result.break ? { break: { seq: result.break.seq.toString(), reason: result.break.reason, detail: result.break.detail } } : {}),
      });
    }
    if (progress) process.stderr.write('\n');
    const broken = reports.filter((r) => !r.ok);
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ ok: broken.length === 0, chains: reports })}\n`);
    } else {
      for (const r of reports) process.stdout.write(`${humanLine(r)}\n`);
      process.stdout.write(`${reports.length} chain(s) verified, ${broken.length} broken\n`);
    }
    return broken.length > 0 ? 1 : 0;
  } finally {
    await dataSource.destroy();
    await db.stop();
  }
}

function humanLine(r: ChainReport): string {
  const name = (r.slug ?? r.chain).padEnd(24);
  if (r.break) return `${name} BROKEN at ${r.break.seq}: ${r.break.reason} — ${r.break.detail}`;
  if (r.checkedEvents === 0 && !r.purgedThrough) return `${name} ok      no events yet`;
  const purged = r.purgedThrough ? `, purged through ${r.purgedThrough}` : '';
  const checkpoint = r.latestCheckpoint ? `latest checkpoint at ${r.latestCheckpoint}` : 'no checkpoint yet';
  return `${name} ok      events ${r.from}..${r.to} (${r.checkedEvents} checked${purged}), ${r.checkpointsChecked} checkpoint(s) checked, ${checkpoint}`;
}
