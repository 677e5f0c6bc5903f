import { buildSubgraphSchema, printSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { isIntrospectionType, isObjectType, parse, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { applyMiddleware, type IMiddlewareFunction } from 'graphql-middleware';
import { buildSchema, createResolversMap, type NonEmptyArray } from 'type-graphql';
import type { IRules } from 'graphql-shield';
import {
  allow,
  deniesAreAudited,
  deny,
  loadPermissionMatrix,
  permissions,
  rootRulesFromMatrix,
  typeRulesFromMatrix,
  type PermissionMatrix,
} from '@tenantry/auth';
import { denialAudit } from './denial-audit';

let matrix: PermissionMatrix | undefined;
/** config/permissions.json, read once per process. */
function permissionMatrix(): PermissionMatrix {
  return (matrix ??= loadPermissionMatrix());
}

const FEDERATION_LINK = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable", "@external", "@requires", "@provides", "@tag", "@inaccessible"])`;

export interface SubgraphDefinition {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  resolvers: NonEmptyArray<Function>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  orphanedTypes?: Function[];
  /** `__resolveReference` per entity type name; each must check the entity's tenant. */
  references?: GraphQLResolverMap<unknown>;
  /**
   * Gone: every rule, root fields and returned types alike, comes from config/permissions.json
   * (ADR 0028). Kept only so that a definition still passing rules fails loudly, not silently.
   */
  rules?: IRules;
  /** Maps the subgraph's domain errors onto public ones, once, around every root field. */
  mapError?: (error: unknown) => Error | undefined;
}

export interface BuiltSubgraph {
  /** Executable schema with permissions applied. */
  schema: GraphQLSchema;
  /** The subgraph SDL that composition reads (schema/<name>.graphql). */
  sdl: string;
}

/**
 * type-graphql classes -> Federation 2 subgraph schema -> graphql-shield (deny by default).
 * The schema is printed with its directives (@key ...) and rebuilt by buildSubgraphSchema so
 * that _entities/_service and __resolveReference work as Apollo expects.
 */
export async function buildSubgraph(definition: SubgraphDefinition): Promise<BuiltSubgraph> {
  const typeGraphqlSchema = await buildSchema({
    resolvers: definition.resolvers,
    ...(definition.orphanedTypes ? { orphanedTypes: definition.orphanedTypes } : {}),
    skipCheck: true,
    validate: false,
  });
  const typeDefs = parse(`${FEDERATION_LINK}\n${printSchemaWithDirectives(typeGraphqlSchema)}`);
  const resolvers = createResolversMap(typeGraphqlSchema) as GraphQLResolverMap<unknown>;
  for (const [typeName, reference] of Object.entries(definition.references ?? {})) {
    resolvers[typeName] = { ...(resolvers[typeName] as object), ...(reference as object) } as GraphQLResolverMap<unknown>[string];
  }
  const subgraphSchema = buildSubgraphSchema({ typeDefs, resolvers });
  const federationFields = ['_service', '_entities'].filter((f) => subgraphSchema.getQueryType()?.getFields()[f]);
  const rootFields = {
    Query: Object.keys(subgraphSchema.getQueryType()?.getFields() ?? {}).filter((f) => !federationFields.includes(f)),
    Mutation: Object.keys(subgraphSchema.getMutationType()?.getFields() ?? {}),
  };
  if (definition.rules && Object.keys(definition.rules).length > 0) {
    throw new Error(
      `Rules come from config/permissions.json only ("operations" and "types"); move ${Object.keys(definition.rules).join(', ')} there`,
    );
  }
  const rootRules = rootRulesFromMatrix(permissionMatrix(), rootFields);
  const typeRules = typeRulesFromMatrix(permissionMatrix(), returnedTypes(subgraphSchema));
  const rules = {
    ...typeRules,
    ...(rootFields.Query.length ? { Query: rootRules.Query } : {}),
    ...(rootFields.Mutation.length ? { Mutation: rootRules.Mutation } : {}),
  } as IRules;
  const guard = permissions(rules, federationFields);
  // Shield (allowExternalErrors) returns a resolver's error instead of re-throwing it, so the
  // domain-error mapping must sit inside it, next to the resolver.
  const audited = {
    Query: rootFields.Query.filter((f) => deniesAreAudited(`Query.${f}`, permissionMatrix().operations[`Query.${f}`]!)),
    Mutation: rootFields.Mutation,
  };
  // Outermost, around the guard: sees the guard's refusal of the fields whose denials are audited.
  const middlewares = [denialAudit(audited), guard, ...(definition.mapError ? [errorMapping(definition.mapError)] : [])];
  const schema = applyMiddleware(subgraphSchema, ...middlewares);
  unwrapAllowedFields(schema, subgraphSchema, rules);
  return { schema, sdl: printSubgraphSchema(subgraphSchema) };
}

/**
 * The rule graphql-shield applies to `type.field` under `rules` with `deny` as the fallback —
 * the same resolution as shield's own generator: a rule for the whole type, or a field map
 * (the field's entry, else the map's '*', else the fallback); no entry at all is the fallback.
 */
export function effectiveRule(rules: IRules, typeName: string, fieldName: string): unknown {
  const typeRule = (rules as Record<string, unknown>)[typeName];
  if (typeRule === undefined) return deny;
  if (isFieldMap(typeRule)) return typeRule[fieldName] ?? typeRule['*'] ?? deny;
  return typeRule;
}

function isFieldMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

/**
 * Gives the fields of non-root types whose rule is exactly `allow` their own resolver back,
 * without shield's wrapper (ADR 0027). For `allow` that wrapper decides nothing — it awaits a
 * rule that is always true, then the resolver, and hands a thrown error on as the field's value,
 * which graphql-js reports exactly as the throw — but it makes every such field asynchronous:
 * on a 100-member list most of the request's execution was those promises. Root fields and every
 * field with any other rule (deny by default included) stay wrapped. Returns the unwrapped
 * coordinates, for the test that holds the set to the rules.
 */
export function unwrapAllowedFields(guarded: GraphQLSchema, unguarded: GraphQLSchema, rules: IRules): string[] {
  const roots = new Set([guarded.getQueryType()?.name, guarded.getMutationType()?.name, guarded.getSubscriptionType()?.name]);
  const unwrapped: string[] = [];
  for (const type of Object.values(guarded.getTypeMap())) {
    if (!isObjectType(type) || roots.has(type.name) || isIntrospectionType(type)) continue;
    const original = unguarded.getType(type.name);
    if (!isObjectType(original)) continue;
    const originalFields = original.getFields();
    for (const [name, field] of Object.entries(type.getFields())) {
      if (effectiveRule(rules, type.name, name) !== allow || !originalFields[name]) continue;
      field.resolve = originalFields[name].resolve;
      unwrapped.push(`${type.name}.${name}`);
    }
  }
  return unwrapped;
}

/** Every object type a subgraph serves other than the roots and federation's own, with its fields. */
export function returnedTypes(schema: GraphQLSchema): Record<string, string[]> {
  const roots = new Set(['Query', 'Mutation', 'Subscription', '_Service']);
  return Object.fromEntries(
    Object.values(schema.getTypeMap())
      .filter((type) => isObjectType(type) && !type.name.startsWith('__') && !roots.has(type.name))
      .map((type) => [type.name, Object.keys((type as GraphQLObjectType).getFields())]),
  );
}

function errorMapping(mapError: (error: unknown) => Error | undefined) {
  const wrap: IMiddlewareFunction = async (resolve, parent, args, context, info) => {
    try {
      return await resolve(parent, args, context, info);
    } catch (error) {
      throw mapError(error) ?? error;
    }
  };
  return { Query: wrap, Mutation: wrap };
}
