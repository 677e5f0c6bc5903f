import { GENESIS_HASH, asStoredJson, canonicalEvent, canonicalJson, chainHash, type ChainedEventContent } from './canonical';

const content: ChainedEventContent = {
  tenantId: '3f2a6c1e-9b7d-4c2a-8e1f-0a1b2c3d4e5f',
  seq: '1',
  id: '9c1f7e2a-0000-4000-8000-000000000001',
  action: 'tenant.renamed',
  actorType: 'user',
  actorId: '9c1f7e2a-0000-4000-8000-000000000002',
  resourceType: 'tenant',
  resourceId: '3f2a6c1e-9b7d-4c2a-8e1f-0a1b2c3d4e5f',
  changes: { name: { from: 'Old', to: 'New' } },
  requestId: null,
  occurredAt: '2026-11-23T10:00:00.000Z',
};

describe('canonical event encoding', () => {
  it('sorts keys at every depth and drops whitespace, whatever order the object was built in', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: null, y: true }], c: 'x' } })).toBe('{"a":{"c":"x","d":[3,{"y":true,"z":null}]},"b":1}');
    expect(canonicalJson({ a: { c: 'x', d: [3, { y: true, z: null }] }, b: 1 })).toBe(
      canonicalJson({ b: 1, a: { d: [3, { z: null, y: true }], c: 'x' } }),
    );
  });

  it('encodes numbers as JavaScript prints them, so a jsonb round trip gives the same text', () => {
    const awkward = { third: 0.1 + 0.2, tiny: 1e-7, huge: 1e21, negative: -2.5, integer: 42 };
    const afterJsonb = JSON.parse(
      JSON.stringify({ huge: 1000000000000000000000, tiny: 0.0000001, third: 0.30000000000000004, negative: -2.5, integer: 42.0 }),
    );
    expect(canonicalJson(awkward)).toBe(canonicalJson(afterJsonb));
  });

  it('refuses values JSON cannot carry instead of hashing something else', () => {
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(TypeError);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(TypeError);
    expect(() => canonicalJson({ b: 10n })).toThrow(TypeError);
  });

  it('normalises what the caller passes the way jsonb stores it (undefined dropped, dates as ISO text)', () => {
    expect(asStoredJson({ a: undefined, at: new Date('2026-01-02T03:04:05.006Z') })).toEqual({ at: '2026-01-02T03:04:05.006Z' });
  });

  it('writes an event exactly as the generic canonical JSON of { v, ...content } would', () => {
    const variants: ChainedEventContent[] = [
      content,
      { ...content, actorId: null, tenantId: null, changes: {}, resourceId: 'quote " backslash \\ é \u2028' },
      { ...content, changes: { z: [1, { b: 2, a: null }], a: { to: 0.1 } }, requestId: 'req-1' },
    ];
    for (const variant of variants) expect(canonicalEvent(variant)).toBe(canonicalJson({ v: 1, ...variant }));
  });

  it('covers the encoding version and every field', () => {
    const text = canonicalEvent(content);
    expect(JSON.parse(text)).toEqual({ v: 1, ...content });
    for (const field of Object.keys(content) as (keyof ChainedEventContent)[]) {
      const changed = { ...content, [field]: field === 'changes' ? { name: { from: 'Old', to: 'Newer' } } : `${String(content[field])}x` };
      expect(chainHash(GENESIS_HASH, changed).equals(chainHash(GENESIS_HASH, content))).toBe(false);
    }
  });

  it('chains: the same event after a different predecessor has a different hash', () => {
    const first = chainHash(GENESIS_HASH, content);
    expect(first).toHaveLength(32);
    expect(chainHash(first, content).equals(first)).toBe(false);
    expect(chainHash(GENESIS_HASH, content).equals(first)).toBe(true);
    expect(() => chainHash(Buffer.alloc(31), content)).toThrow(RangeError);
  });
});
