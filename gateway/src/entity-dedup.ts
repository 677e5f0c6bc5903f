import type { GraphQLFormattedError } from 'graphql';

/**
 * A query plan's entity fetch sends one representation per place the entity appears in the
 * response so far, so a product reviewed ten times is asked for ten times. Collapsing equal
 * representations before the call and fanning the answers back out afterwards leaves the
 * gateway's merge unchanged while the subgraph resolves, serialises and the gateway parses
 * each entity once (ADR 0024).
 */
export interface DedupedRepresentations {
  /** The distinct representations, in first-seen order. */
  unique: unknown[];
  /** For each original position, its index in `unique`. */
  indexOf: number[];
}

export function dedupeRepresentations(representations: readonly unknown[]): DedupedRepresentations {
  const seen = new Map<string, number>();
  const unique: unknown[] = [];
  const indexOf: number[] = [];
  for (const representation of representations) {
    const key = JSON.stringify(representation);
    let index = seen.get(key);
    if (index === undefined) {
      index = unique.length;
      seen.set(key, index);
      unique.push(representation);
    }
    indexOf.push(index);
  }
  return { unique, indexOf };
}

/**
 * The subgraph's answer for the distinct representations, back in the original positions.
 * Repeats are deep copies: the gateway merges later fetches into each position separately.
 * Errors under `_entities.<i>` are repeated for every position that asked for entity i.
 */
export function expandEntities(
  deduped: DedupedRepresentations,
  entities: readonly unknown[],
  errors: readonly GraphQLFormattedError[] | undefined,
): { entities: unknown[]; errors: GraphQLFormattedError[] | undefined } {
  const used = new Array<boolean>(deduped.unique.length).fill(false);
  const expanded = deduped.indexOf.map((index) => {
    const entity = entities[index];
    if (!used[index]) {
      used[index] = true;
      return entity;
    }
    return entity === null || typeof entity !== 'object' ? entity : structuredClone(entity);
  });
  if (!errors) return { entities: expanded, errors };
  const positions = new Map<number, number[]>();
  deduped.indexOf.forEach((index, position) => {
    const list = positions.get(index);
    if (list) list.push(position);
    else positions.set(index, [position]);
  });
  const expandedErrors = errors.flatMap((error) => {
    const path = error.path;
    if (!path || path[0] !== '_entities' || typeof path[1] !== 'number') return [error];
    return (positions.get(path[1]) ?? [path[1]]).map((position) => ({ ...error, path: ['_entities', position, ...path.slice(2)] }));
  });
  return { entities: expanded, errors: expandedErrors };
}
