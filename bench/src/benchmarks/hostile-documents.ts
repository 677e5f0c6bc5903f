import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Supergraph } from '@apollo/federation-internals';
import { parse, validate } from 'graphql';
import { measureOperation } from '@tenantry/gateway/dist/operation-limits/operation-limits';
import { loadGatewayConfig } from '@tenantry/gateway';
import { ms, type Benchmark, type Figure } from '../report';
import { summarise, timed } from '../stats';

const repeat = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join(' ');

/** Documents built to make a GraphQL server work hard before it executes anything. */
const HOSTILE: Record<string, string> = {
  'aliases x2000': `{ ${repeat(2000, (i) => `a${i}: currentTenant { id name }`)} }`,
  'same field x2000 (overlap check)': `{ ${repeat(2000, () => 'currentTenant { id name }')} }`,
  '__typename x20000': `{ currentTenant { ${repeat(20_000, () => '__typename')} } }`,
  'depth 200': `{ ${'members { user { '.repeat(100)}email${' } }'.repeat(100)} }`,
  'directives x5000': `{ currentTenant { id ${repeat(5000, () => '@skip(if: false)')} } }`,
  'fragment fan-out 2^40': `{ ...F0 } ${repeat(40, (i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`)} fragment F40 on Query { me { id } }`,
  'root fields in a fragment chain x300': `{ ...F0 } ${repeat(299, (i) => `fragment F${i} on Query { me { id } ...F${i + 1} }`)} fragment F299 on Query { me { id } }`,
  'same leaf field x4000': `{ me { ${repeat(4000, () => 'id')} } }`,
  'fragment cycle x300': `{ ...F0 } ${repeat(300, (i) => `fragment F${i} on Query { me { id } ...F${(i + 1) % 300} }`)}`,
};

/**
 * The gateway's guard (parse with a token limit, then one measuring pass) against what the
 * same document costs GraphQL validation alone, on the supergraph's API schema, in one run.
 */
export const hostileDocumentsBenchmark: Benchmark = {
  name: 'hostile-documents',
  title: 'Refusing hostile documents',
  run: async ({ quick }) => {
    const rounds = quick ? 3 : 20;
    const limits = loadGatewayConfig({ CONTEXT_SIGNING_KEY: '{"kty":"OKP"}' }).operationLimits;
    const sdl = await readFile(path.resolve(__dirname, '../../../schema/supergraph.graphql'), 'utf8');
    const schema = Supergraph.build(sdl).apiSchema().toGraphQLJSSchema();
    const figures: Figure[] = [];
    for (const [label, query] of Object.entries(HOSTILE)) {
      const guard: number[] = [];
      const validation: number[] = [];
      let refused = true;
      let refusedBy = 'the guard';
      for (let i = 0; i < rounds; i++) {
        guard.push(
          (
            await timed(async () => {
              try {
                const document = parse(query, { maxTokens: limits.maxTokens });
                refused = measureOperation(document, limits).length > 0;
                // What the guard lets through (a fragment cycle) is validation's to refuse: time both.
                if (!refused) {
                  refused = validate(schema, document).length > 0;
                  refusedBy = 'the guard + validation';
                }
              } catch {
                refused = true; // over the token limit: refused while parsing
              }
            })
          )[0],
        );
        validation.push((await timed(async () => validate(schema, parse(query))))[0]);
      }
      const g = summarise(guard);
      const v = summarise(validation);
      figures.push(
        {
          label: `${label}: refused by ${refusedBy}, p99`,
          value: `${ms(g.p99)}${refused ? '' : ' (NOT refused)'}`,
          target: '< 50 ms, refused',
          met: g.p99 < 50 && refused,
        },
        { label: `${label}: GraphQL parse + validation alone, p50`, value: ms(v.p50) },
      );
    }
    return {
      name: 'hostile-documents',
      title: 'Refusing hostile documents',
      figures,
      notes: [
        `Default gateway limits: ${JSON.stringify(limits)}.`,
        'The guard runs before validation, so a refused document never reaches it.',
      ],
    };
  },
};
