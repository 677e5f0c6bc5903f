import { effectiveLimits } from './client-registry';

const defaults = {
  maxDepth: 12,
  maxAliases: 30,
  maxRootFields: 20,
  maxDirectives: 20,
  maxCost: 5000,
  maxTokens: 5000,
  maxCharacters: 50_000,
  maxSelectionFields: 200,
};

describe('effectiveLimits', () => {
  it('keeps the defaults without overrides', () => {
    expect(effectiveLimits(defaults, {}, 'audit')).toEqual(defaults);
  });

  it('lets any mode tighten a limit', () => {
    expect(effectiveLimits(defaults, { maxDepth: 3, maxAliases: 0 }, 'off')).toEqual({ ...defaults, maxDepth: 3, maxAliases: 0 });
  });

  it('raises a limit only in enforce mode, where nothing but the reviewed manifest runs', () => {
    expect(effectiveLimits(defaults, { maxCost: 20_000 }, 'audit').maxCost).toBe(5000);
    expect(effectiveLimits(defaults, { maxCost: 20_000 }, 'enforce').maxCost).toBe(20_000);
  });
});
