import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { buildSubgraph, type SubgraphDefinition } from '@tenantry/federation';
import { tenantSubgraphDefinition } from '@tenantry/subgraph-tenant';
import { identitySubgraphDefinition } from '@tenantry/subgraph-identity';
import { usageSubgraphDefinition } from '@tenantry/subgraph-usage';
import { auditSubgraphDefinition } from '@tenantry/subgraph-audit';

/** The four subgraphs, with the URL the supergraph records for each (the gateway overrides it). */
export const SUBGRAPHS: { name: string; url: string; definition: SubgraphDefinition }[] = [
  { name: 'tenant', url: 'http://localhost:4001/graphql', definition: tenantSubgraphDefinition },
  { name: 'identity', url: 'http://localhost:4002/graphql', definition: identitySubgraphDefinition },
  { name: 'usage', url: 'http://localhost:4003/graphql', definition: usageSubgraphDefinition },
  { name: 'audit', url: 'http://localhost:4004/graphql', definition: auditSubgraphDefinition },
];

export interface ComposeResult {
  files: Map<string, string>;
  errors: string[];
  unacceptedHints: string[];
}

/** Builds each subgraph's SDL from the code and composes the supergraph with @apollo/composition. */
export async function composeSupergraph(schemaDir: string): Promise<ComposeResult> {
  const files = new Map<string, string>();
  const services = [];
  for (const subgraph of SUBGRAPHS) {
    const { sdl } = await buildSubgraph(subgraph.definition);
    files.set(`${subgraph.name}.graphql`, `${sdl.trim()}\n`);
    services.push({ name: subgraph.name, url: subgraph.url, typeDefs: parse(sdl) });
  }
  const result = composeServices(services);
  const accepted = await readAcceptedHints(schemaDir);
  const unacceptedHints = (result.hints ?? [])
    .map((hint) => `${hint.definition.code}: ${hint.message}`)
    .filter((hint) => !accepted.has(hint));
  if (result.errors) return { files, errors: result.errors.map((e) => e.message), unacceptedHints };
  files.set('supergraph.graphql', `${result.supergraphSdl.trim()}\n`);
  return { files, errors: [], unacceptedHints };
}

async function readAcceptedHints(schemaDir: string): Promise<Set<string>> {
  try {
    const raw = JSON.parse(await readFile(path.join(schemaDir, 'accepted-hints.json'), 'utf8')) as { accepted: string[] };
    return new Set(raw.accepted);
  } catch {
    return new Set();
  }
}

/**
 * `compose` writes schema/*.graphql; `compose --check` writes nothing and fails when a
 * committed file is stale, composition fails, or it raises a hint not in accepted-hints.json.
 */
export async function composeCommand(args: string[], repoRoot: string): Promise<number> {
  const check = args.includes('--check');
  const schemaDir = path.join(repoRoot, 'schema');
  const { files, errors, unacceptedHints } = await composeSupergraph(schemaDir);
  for (const error of errors) process.stderr.write(`composition error: ${error}\n`);
  for (const hint of unacceptedHints) process.stderr.write(`composition hint not accepted: ${hint}\n`);
  if (errors.length > 0 || unacceptedHints.length > 0) return 1;

  const stale: string[] = [];
  for (const [name, content] of files) {
    const file = path.join(schemaDir, name);
    const current = await readFile(file, 'utf8').catch(() => undefined);
    if (current === content) continue;
    if (check) stale.push(name);
    else await writeFile(file, content);
  }
  if (check && stale.length > 0) {
    process.stderr.write(`schema/ is stale (${stale.join(', ')}): run \`npm run compose\` and commit the result\n`);
    return 1;
  }
  process.stdout.write(check ? 'supergraph is up to date\n' : `composed ${files.size} files into schema/\n`);
  return 0;
}
