import { Kind, type DocumentNode, type FragmentDefinitionNode, type SelectionSetNode, type ValueNode } from 'graphql';

export interface OperationLimits {
  maxDepth: number;
  /** Aliased fields plus __typename selections (both multiply work for free). */
  maxAliases: number;
  /** Fields at the root of an operation, fragments expanded (each may be a subgraph fetch). */
  maxRootFields: number;
  /**
   * Fields in any one selection set, fragments expanded: GraphQL validation compares same-named
   * fields pairwise (the overlap check), so this bounds its quadratic part.
   */
  maxSelectionFields: number;
  maxDirectives: number;
  /** Every field costs 1; a field's subtree is multiplied by its page size argument. */
  maxCost: number;
}

export interface LimitViolation {
  limit: 'depth' | 'aliases' | 'rootFields' | 'selectionFields' | 'directives' | 'cost';
  max: number;
  actual: number;
}

/** Arguments that ask for a page of a list; their value multiplies the subtree's cost. */
const PAGE_ARGUMENTS = new Set(['first', 'last', 'limit', 'take', 'pageSize']);
/** What an unknown (variable) page size counts as. */
const ASSUMED_PAGE = 100;

/**
 * Measures a parsed document in one pass per operation, following fragment spreads (each
 * fragment measured once per use, with a guard against cycles, which validation would reject
 * later anyway). Runs before GraphQL validation, whose field-overlap check is the expensive
 * part for hostile documents.
 */
export function measureOperation(document: DocumentNode, limits: OperationLimits): LimitViolation[] {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  let depth = 0;
  let aliases = 0;
  let rootFields = 0;
  let selectionFields = 0;
  let directives = 0;
  let cost = 0;
  // Selections visited with fragments expanded. Fragments spreading one fragment twice, level
  // after level, expand exponentially from a 1 KB document (and cost nothing when the innermost
  // is empty), so the walk itself has a budget; a document over it is refused on cost.
  const budget = limits.maxCost * 2;
  let visited = 0;

  /** `merged` counts the fields of one selection set as GraphQL merges it (fragments included). */
  const walk = (set: SelectionSetNode, level: number, multiplier: number, visiting: Set<string>, merged: { fields: number }): number => {
    let subtotal = 0;
    depth = Math.max(depth, level);
    for (const selection of set.selections) {
      if (++visited > budget) break;
      directives += selection.directives?.length ?? 0;
      if (selection.kind === Kind.FIELD) {
        if (selection.alias || selection.name.value === '__typename') aliases++;
        selectionFields = Math.max(selectionFields, ++merged.fields);
        if (level === 1) rootFields = Math.max(rootFields, merged.fields);
        let fieldCost = multiplier;
        if (selection.selectionSet) {
          const page = pageSize(selection.arguments?.map((a) => [a.name.value, a.value] as const) ?? []);
          fieldCost += walk(selection.selectionSet, level + 1, multiplier * page, visiting, { fields: 0 });
        }
        subtotal += fieldCost;
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        subtotal += walk(selection.selectionSet, level, multiplier, visiting, merged);
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment || visiting.has(name)) continue;
        directives += fragment.directives?.length ?? 0;
        visiting.add(name);
        subtotal += walk(fragment.selectionSet, level, multiplier, visiting, merged);
        visiting.delete(name);
      }
      // Stop early: a hostile document need not be measured to the end.
      if (
        cost + subtotal > limits.maxCost * 10 ||
        depth > limits.maxDepth * 4 ||
        visited > budget ||
        selectionFields > limits.maxSelectionFields * 4
      )
        break;
    }
    return subtotal;
  };

  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    directives += definition.directives?.length ?? 0;
    cost = Math.max(cost, walk(definition.selectionSet, 1, 1, new Set(), { fields: 0 }));
  }

  const violations: LimitViolation[] = [];
  if (depth > limits.maxDepth) violations.push({ limit: 'depth', max: limits.maxDepth, actual: depth });
  if (aliases > limits.maxAliases) violations.push({ limit: 'aliases', max: limits.maxAliases, actual: aliases });
  if (rootFields > limits.maxRootFields) violations.push({ limit: 'rootFields', max: limits.maxRootFields, actual: rootFields });
  if (selectionFields > limits.maxSelectionFields) {
    violations.push({ limit: 'selectionFields', max: limits.maxSelectionFields, actual: selectionFields });
  }
  if (directives > limits.maxDirectives) violations.push({ limit: 'directives', max: limits.maxDirectives, actual: directives });
  if (cost > limits.maxCost || visited > budget) {
    violations.push({ limit: 'cost', max: limits.maxCost, actual: Math.max(cost, visited) });
  }
  return violations;
}

function pageSize(args: readonly (readonly [string, ValueNode])[]): number {
  for (const [name, value] of args) {
    if (!PAGE_ARGUMENTS.has(name)) continue;
    if (value.kind === Kind.INT) return Math.max(1, Number(value.value));
    if (value.kind === Kind.VARIABLE) return ASSUMED_PAGE;
  }
  return 1;
}
