import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import type { Principal } from '@tenantry/auth';
import { TenantryError } from '@tenantry/errors';
import { createDataSource, RequestDatabase } from '@tenantry/tenancy';
import { ApiClientService, PQ_MODES, mapTenantErrors, type PqMode } from '@tenantry/subgraph-tenant';
import type { CliConfig } from '../config';
import { openDatabase } from '../database';
import { CLI_OPERATOR_ID } from './tenant';

const USAGE = `usage: tenantry pq <command> [--json]
  publish <manifest.json> --client NAME [--mode off|audit|enforce] [--replace]
      register an Apollo persisted query manifest for a client (created on first publish, in
      enforce mode unless --mode); adds to the client's operations, --replace retires the rest
  mode <client> <off|audit|enforce>          change a client's mode
  clients                                    every client, its mode and operation count`;

function parse(args: string[]): { positional: string[]; flags: Record<string, string | true> } {
  const positional: string[] = [];
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--')) positional.push(arg);
    else if (args[i + 1] !== undefined && !args[i + 1]!.startsWith('--') && arg !== '--replace' && arg !== '--json')
      flags[arg.slice(2)] = args[++i]!;
    else flags[arg.slice(2)] = true;
  }
  return { positional, flags };
}

const isMode = (value: unknown): value is PqMode => typeof value === 'string' && (PQ_MODES as readonly string[]).includes(value);

/**
 * `pq …`: the persisted-query registry from a terminal or CI (ADR 0016), through the same
 * service, validation and platform audit as the staff mutation. Exit 0 ok, 1 refused or failed
 * (the error code is printed), 2 bad usage.
 */
export async function pqCommand(args: string[], config: CliConfig): Promise<number> {
  const [sub, ...rest] = args;
  const { positional, flags } = parse(rest);
  const json = flags.json === true;
  const say = (human: string, data: unknown) => process.stdout.write(json ? `${JSON.stringify(data)}\n` : `${human}\n`);
  if (flags.mode !== undefined && !isMode(flags.mode)) return usage();
  let manifest: unknown;
  switch (sub) {
    case 'publish': {
      const file = positional[0];
      if (!file || typeof flags.client !== 'string' || positional.length > 1) return usage();
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        return fail(json, 'BAD_USER_INPUT', `Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      }
      try {
        manifest = JSON.parse(text);
      } catch {
        return fail(json, 'BAD_USER_INPUT', `${file} is not JSON`);
      }
      break;
    }
    case 'mode':
      if (positional.length !== 2 || !isMode(positional[1])) return usage();
      break;
    case 'clients':
      break;
    default:
      return usage();
  }
  const db = await openDatabase(config, (line) => process.stderr.write(`${line}\n`));
  const dataSource = createDataSource({ url: db.url, poolSize: 2, applicationName: 'tenantry-cli' });
  await dataSource.initialize();
  const principal: Principal = { kind: 'user', userId: CLI_OPERATOR_ID, platformRole: 'platform_admin' };
  const actor = { principal, requestId: `cli-${os.userInfo().username}-${randomUUID()}` };
  const service = new ApiClientService(new RequestDatabase(dataSource, undefined));
  try {
    if (sub === 'publish') {
      const result = await service.publish(
        { client: flags.client as string, manifest, mode: isMode(flags.mode) ? flags.mode : undefined, replace: flags.replace === true },
        actor,
      );
      say(
        `${result.client.name}: manifest version ${result.version} (${result.client.mode}) — ${result.added} added, ` +
          `${result.unchanged} unchanged, ${result.retired} retired; ${result.operations} operation(s) active`,
        result,
      );
      return 0;
    }
    if (sub === 'mode') {
      const client = await service.update({ client: positional[0]!, mode: positional[1] as PqMode }, actor);
      say(`${client.name}: ${client.mode}`, client);
      return 0;
    }
    const clients = await service.list();
    say(
      [
        ...clients.map((c) => `${c.name.padEnd(32)} ${c.mode.padEnd(8)} v${c.manifestVersion} ${c.operationCount} operation(s)`),
        `${clients.length} client(s)`,
      ].join('\n'),
      { clients },
    );
    return 0;
  } catch (error) {
    const mapped = mapTenantErrors(error) ?? error;
    if (mapped instanceof TenantryError) {
      const field = (mapped.extensions as { field?: unknown }).field;
      return fail(json, mapped.code, mapped.message, typeof field === 'string' ? field : undefined);
    }
    throw error;
  } finally {
    await dataSource.destroy();
    await db.stop();
  }
}

function usage(): number {
  process.stderr.write(`${USAGE}\n`);
  return 2;
}

function fail(json: boolean, code: string, message: string, field?: string): number {
  process.stderr.write(
    json
      ? `${JSON.stringify({ error: { code, message, ...(field ? { field } : {}) } })}\n`
      : `${code}: ${message}${field ? ` (${field})` : ''}\n`,
  );
  return 1;
}
