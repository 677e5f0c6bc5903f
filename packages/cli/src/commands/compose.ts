import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { composeServices } from '@apollo/composition';
import { Kind, parse, type DocumentNode } from 'graphql';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { deniesAreAudited, grantCacheMode, loadPermissionMatrix, type PermissionEntry, type PermissionMatrix } from '@tenantry/auth';
import { buildSubgraph, returnedTypes, type SubgraphDefinition } from '@tenantry/federation';
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
    files.set(`schema/${subgraph.name}.graphql`, `${sdl.trim()}\n`);
    services.push({ name: subgraph.name, url: subgraph.url, typeDefs: parse(sdl) });
  }
  const result = composeServices(services);
  const accepted = await readAcceptedHints(schemaDir);
  const unacceptedHints = (result.hints ?? [])
    .map((hint) => `${hint.definition.code}: ${hint.message}`)
    .filter((hint) => !accepted.has(hint));
  if (result.errors) return { files, errors: result.errors.map((e) => e.message), unacceptedHints };
  files.set('schema/supergraph.graphql', `${result.supergraphSdl.trim()}\n`);
  const permissions = permissionsDoc(services.map((s) => ({ name: s.name, typeDefs: s.typeDefs })));
  files.set('docs/permissions.md', permissions.markdown);
  return { files, errors: permissions.problems, unacceptedHints };
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
 * `compose` writes schema/*.graphql and docs/permissions.md; `compose --check` writes nothing
 * and fails when a committed file is stale, composition fails, it raises a hint not in
 * accepted-hints.json, or config/permissions.json misses a root field (or names one that is gone).
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
    const file = path.join(repoRoot, name);
    const current = await readFile(file, 'utf8').catch(() => undefined);
    if (current === content) continue;
    if (check) stale.push(name);
    else await writeFile(file, content);
  }
  if (check && stale.length > 0) {
    process.stderr.write(`stale: ${stale.join(', ')}: run \`npm run compose\` and commit the result\n`);
    return 1;
  }
  process.stdout.write(
    check ? 'supergraph and permissions table are up to date\n' : `wrote ${files.size} files (schema/, docs/permissions.md)\n`,
  );
  return 0;
}

/** docs/permissions.md from config/permissions.json, checked against every subgraph's root fields. */
function permissionsDoc(subgraphs: { name: string; typeDefs: DocumentNode }[]): { markdown: string; problems: string[] } {
  const matrix = loadPermissionMatrix();
  const owners = new Map<string, string>();
  for (const { name, typeDefs } of subgraphs) {
    for (const definition of typeDefs.definitions) {
      if (
        (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) ||
        !['Query', 'Mutation'].includes(definition.name.value)
      )
        continue;
      for (const field of definition.fields ?? []) {
        if (field.name.value.startsWith('_')) continue;
        owners.set(`${definition.name.value}.${field.name.value}`, name);
      }
    }
  }
  const problems = [
    ...[...owners.keys()].filter((op) => !matrix.operations[op]).map((op) => `config/permissions.json has no entry for ${op}`),
    ...Object.keys(matrix.operations)
      .filter((op) => !owners.has(op))
      .map((op) => `config/permissions.json names ${op}, which no subgraph serves`),
  ];
  const rows = [...owners.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([op, subgraph]) => {
      const entry = matrix.operations[op];
      return `| \`${op}\` | ${subgraph} | ${who(entry)} | ${entry?.feature ? `\`${entry.feature}\`` : ''} | ${entry?.note ?? ''} |`;
    });
  const auditedQueries = [...owners.keys()]
    .filter((op) => op.startsWith('Query.') && matrix.operations[op] && deniesAreAudited(op, matrix.operations[op]))
    .sort()
    .map((op) => `\`${op.slice('Query.'.length)}\``);
  const types = typesDoc(matrix, subgraphs);
  problems.push(...types.problems);
  const markdown = [
    '# Permissions',
    '',
    'Generated by `npm run compose` from `config/permissions.json`, the one file that also drives the',
    'graphql-shield rules of every subgraph (root fields and returned types); `test/permission-matrix.test.ts` runs every',
    'operation below as every kind of caller and checks the outcome against it, and',
    '`test/cross-tenant-idor.test.ts` calls every operation that takes an identifier (and every entity)',
    "with another tenant's identifiers, expecting the answer for an identifier that exists nowhere.",
    'Do not edit by hand.',
    '',
    '- `anyone`: no credentials needed (the input itself is the credential, e.g. a mailed code).',
    '- `authenticated`: a signed-in person (API keys excluded).',
    '- `role:X`: a member of the request tenant with role X or higher (owner > admin > manager > member > viewer).',
    '- `scope:X`: a partner API key of the request tenant holding scope X.',
    '- `staff`, `staff:platform_admin`: platform staff (every use is audited).',
    "- Feature: the request tenant's effective plan (plan + overrides) must include it; otherwise FEATURE_NOT_IN_PLAN.",
    '',
    'A permission refusal is recorded on the audit trail (`authz.denied`, flood-bounded, ADR 0022) for every',
    `mutation and for these queries: ${auditedQueries.join(', ')}.`,
    '',
    '| operation | subgraph | who | feature | note |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
    '## Fields of returned types',
    '',
    'Every other object type has an entry too (`types` in the same file, ADR 0028): one rule for all its',
    'fields, or, when any field needs a rule of its own, a rule for every field, so that a new field of',
    'such a type fails start-up until someone decides who may read it. Here `anyone` means whoever',
    'reached the object through an operation above or a tenant-checked entity reference, and:',
    '',
    "- `self`: the object is the caller's own User, or carries the caller's user id (Session, MfaEnrollment).",
    "- `feature:X`: the request tenant's plan includes X (as an alternative, unlike the Feature column).",
    '',
    '| type or field | subgraphs | who | feature | cache | note |',
    '| --- | --- | --- | --- | --- | --- |',
    ...types.rows,
    '',
    '## Cache modes',
    '',
    'graphql-shield caches a rule decision within one request: `contextual` by rule name alone,',
    '`strict` by name and a hash of parent and args, `no_cache` not at all. A name-keyed cache is',
    'exact only for a rule that reads nothing but the request context; a rule that reads the parent',
    "would decide once for every item of a list (the first member's `self` for every member). The rules",
    'that read only the context are built so that they cannot see parent or args, and a test walks',
    'every rule of this matrix to check that only those are cached by name.',
    '',
    '| grant | cache | why |',
    '| --- | --- | --- |',
    ...['anyone', 'authenticated', 'role:X', 'scope:X', 'staff, staff:platform_admin', 'feature:X (and the Feature column)', 'self'].map(
      (grant) => {
        const { mode, why } = grantCacheMode(grant.split(/[ ,(]/)[0]!);
        return `| \`${grant}\` | ${mode === 'none' ? '—' : `\`${mode}\``} | ${why} |`;
      },
    ),
    '',
  ].join('\n');
  return { markdown, problems };
}

function who(entry: PermissionEntry | undefined): string {
  return entry ? entry.allow.map((g) => `\`${g}\``).join(' or ') : '**missing**';
}

function cacheOf(entry: PermissionEntry): string {
  const modes = new Set(entry.allow.map((g) => grantCacheMode(g).mode));
  if (entry.feature) modes.add('contextual');
  modes.delete('none');
  return modes.size ? [...modes].map((m) => `\`${m}\``).join(', ') : '—';
}

/** Rows for every returned type (and every field of a field-by-field type), checked against what the subgraphs serve. */
function typesDoc(matrix: PermissionMatrix, subgraphs: { name: string; typeDefs: DocumentNode }[]) {
  const served = new Map<string, { subgraphs: string[]; fields: Map<string, string[]> }>();
  for (const { name, typeDefs } of subgraphs) {
    for (const [type, fields] of Object.entries(returnedTypes(buildSubgraphSchema({ typeDefs })))) {
      const entry = served.get(type) ?? { subgraphs: [], fields: new Map<string, string[]>() };
      entry.subgraphs.push(name);
      for (const field of fields) entry.fields.set(field, [...(entry.fields.get(field) ?? []), name]);
      served.set(type, entry);
    }
  }
  const problems: string[] = [];
  const rows: string[] = [];
  const declared = matrix.types ?? {};
  for (const type of Object.keys(declared).filter((t) => !served.has(t)))
    problems.push(`config/permissions.json types names ${type}, which no subgraph serves`);
  for (const [type, { subgraphs: owners, fields }] of [...served.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const permission = declared[type];
    if (!permission) {
      problems.push(`config/permissions.json types has no entry for ${type}`);
      rows.push(`| \`${type}\` | ${owners.join(', ')} | **missing** |  |  |  |`);
      continue;
    }
    if (!('fields' in permission)) {
      rows.push(
        `| \`${type}\` | ${owners.join(', ')} | ${who(permission)} | ${permission.feature ? `\`${permission.feature}\`` : ''} | ${cacheOf(permission)} | ${permission.note ?? ''} |`,
      );
      continue;
    }
    for (const field of Object.keys(permission.fields).filter((f) => !fields.has(f))) {
      problems.push(`config/permissions.json types names ${type}.${field}, which no subgraph serves`);
    }
    for (const [field, fieldOwners] of fields) {
      const entry = permission.fields[field];
      if (!entry) problems.push(`config/permissions.json types has no entry for ${type}.${field}`);
      rows.push(
        `| \`${type}.${field}\` | ${fieldOwners.join(', ')} | ${who(entry)} | ${entry?.feature ? `\`${entry.feature}\`` : ''} | ${entry ? cacheOf(entry) : ''} | ${entry?.note ?? ''} |`,
      );
    }
  }
  return { rows, problems };
}
