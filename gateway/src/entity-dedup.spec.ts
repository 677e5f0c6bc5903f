import { dedupeRepresentations, expandEntities } from './entity-dedup';

const product = (upc: string) => ({ __typename: 'Product', upc });

describe('entity representation dedup', () => {
  it('sends each distinct representation once, in first-seen order', () => {
    const deduped = dedupeRepresentations([product('1'), product('2'), product('1'), product('3'), product('2')]);
    expect(deduped.unique).toEqual([product('1'), product('2'), product('3')]);
    expect(deduped.indexOf).toEqual([0, 1, 0, 2, 1]);
  });

  it('puts every answer back in the position that asked for it, repeats as separate copies', () => {
    const deduped = dedupeRepresentations([product('1'), product('2'), product('1')]);
    const answers = [
      { name: 'Table', reviews: [{ id: '1' }] },
      { name: 'Couch', reviews: [] },
    ];
    const { entities } = expandEntities(deduped, answers, undefined);
    expect(entities).toEqual([answers[0], answers[1], answers[0]]);
    // The gateway merges later fetches into each position: a shared object would receive them twice.
    expect(entities[2]).not.toBe(entities[0]);
    expect((entities[2] as { reviews: unknown[] }).reviews).not.toBe((entities[0] as { reviews: unknown[] }).reviews);
  });

  it('repeats an entity error for every position that asked for that entity', () => {
    const deduped = dedupeRepresentations([product('1'), product('2'), product('2')]);
    const errors = [{ message: 'price unavailable', path: ['_entities', 1, 'price'] }, { message: 'subgraph warning' }];
    const { errors: expanded } = expandEntities(deduped, [{ price: 1 }, null], errors);
    expect(expanded).toEqual([
      { message: 'price unavailable', path: ['_entities', 1, 'price'] },
      { message: 'price unavailable', path: ['_entities', 2, 'price'] },
      { message: 'subgraph warning' },
    ]);
  });

  it('treats representations that differ in a required field as different', () => {
    const deduped = dedupeRepresentations([
      { ...product('1'), price: 10 },
      { ...product('1'), price: 12 },
    ]);
    expect(deduped.unique).toHaveLength(2);
  });
});
