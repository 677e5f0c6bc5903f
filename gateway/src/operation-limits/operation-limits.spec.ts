import { parse } from 'graphql';
import { measureOperation, type OperationLimits } from './operation-limits';

const limits: OperationLimits = { maxDepth: 5, maxAliases: 3, maxRootFields: 3, maxSelectionFields: 6, maxDirectives: 2, maxCost: 400 };
const measure = (query: string) => measureOperation(parse(query), limits);

describe('measureOperation', () => {
  it('accepts an ordinary query', () => {
    expect(measure('{ currentTenant { id name } members(first: 10) { role user { email } } }')).toEqual([]);
  });

  it('counts depth through fragments and inline fragments', () => {
    const deep = 'query { a { ...F } } fragment F on T { b { ... on T { c { d { e { f } } } } } }';
    expect(measure(deep)).toEqual([{ limit: 'depth', max: 5, actual: 6 }]);
  });

  it('counts aliases and __typename selections alike', () => {
    expect(measure('{ a: x b: x __typename t: __typename }')).toEqual([
      { limit: 'aliases', max: 3, actual: 4 },
      { limit: 'rootFields', max: 3, actual: 4 },
    ]);
  });

  it('multiplies the cost of a subtree by its page size, and assumes 100 for a variable', () => {
    expect(measure('{ members(first: 100) { user { email } tenant { slug } } }')).toEqual([{ limit: 'cost', max: 400, actual: 401 }]);
    expect(measure('query($n: Int) { members(first: $n) { user { email } tenant { slug } } }')[0]).toMatchObject({
      limit: 'cost',
      actual: 401,
    });
    expect(measure('{ members(first: 2) { user { email } } }')).toEqual([]);
  });

  it('counts directives on fields, fragments and operations', () => {
    expect(measure('query @a { x @b @c }')).toEqual([{ limit: 'directives', max: 2, actual: 3 }]);
  });

  it('survives fragment cycles (left for validation to reject)', () => {
    expect(() => measure('{ ...A } fragment A on Q { ...B } fragment B on Q { ...A }')).not.toThrow();
  });

  it('refuses fragments that fan out exponentially on cost, without walking them out', () => {
    const fanOut = (leaf: string) =>
      `{ ...F0 } ${Array.from({ length: 40 }, (_, i) => `fragment F${i} on Q { ...F${i + 1} ...F${i + 1} }`).join(' ')} fragment F40 on Q { ${leaf} }`;
    expect(measure(fanOut('...Missing'))).toEqual([{ limit: 'cost', max: 400, actual: 801 }]);
    for (const leaf of ['x', '...Missing']) {
      // 2^40 selections if walked out (a hang); the walk's budget (2 × maxCost) stops it.
      const violations = measure(fanOut(leaf));
      expect(violations.length).toBeGreaterThan(0);
      for (const violation of violations) expect(violation.actual).toBeLessThanOrEqual(801);
    }
  });

  it('counts root fields and the fields of any selection set with fragments expanded', () => {
    const chain = (on: string, n: number) =>
      `${Array.from({ length: n }, (_, i) => `fragment F${i} on ${on} { a ${i + 1 < n ? `...F${i + 1}` : ''} }`).join(' ')}`;
    expect(measure(`{ ...F0 } ${chain('Q', 4)}`)).toEqual([{ limit: 'rootFields', max: 3, actual: 4 }]);
    expect(measure(`{ x { ...F0 } } ${chain('T', 7)}`)).toEqual([{ limit: 'selectionFields', max: 6, actual: 7 }]);
    expect(measure(`{ x { a b c d e f } y { a b c d e f } }`)).toEqual([]);
  });
});
