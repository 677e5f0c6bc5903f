import { mergeReport, renderSection } from './report';

const preamble = '# Benchmarks\n\n- Last updated: today\n';

describe('mergeReport', () => {
  const existing = [
    '# Benchmarks',
    '',
    '- Date: earlier',
    '',
    '## Provisioning a tenant (`provision`)',
    '',
    '| figure | value | target | met |',
    '| --- | --- | --- | --- |',
    '| p50 | 20 ms | <= 100 ms | met |',
    '',
    '## Gateway throughput and overhead (`gateway`)',
    '',
    '| figure | value | target | met |',
    '| --- | --- | --- | --- |',
    '| rps | 656 |  |  |',
    '',
  ].join('\n');

  it('replaces the sections of the benchmarks that ran and keeps the others where they were', () => {
    const section = renderSection(
      { name: 'provision', title: 'Provisioning a tenant', figures: [{ label: 'p50', value: '18 ms' }], notes: [] },
      'run B',
    );
    const merged = mergeReport(existing, preamble, [{ name: 'provision', text: section }]);
    expect(merged).toContain('| p50 | 18 ms |');
    expect(merged).not.toContain('| p50 | 20 ms |');
    expect(merged).toContain('| rps | 656 |');
    expect(merged.indexOf('(`provision`)')).toBeLessThan(merged.indexOf('(`gateway`)'));
    expect(merged.startsWith(preamble)).toBe(true);
    expect(merged).not.toContain('- Date: earlier');
  });

  it('appends a benchmark the report did not have yet', () => {
    const section = renderSection({ name: 'gateway-soak', title: 'Soak', figures: [], notes: ['a note'] }, 'run C');
    const merged = mergeReport(existing, preamble, [{ name: 'gateway-soak', text: section }]);
    expect(merged.indexOf('(`gateway-soak`)')).toBeGreaterThan(merged.indexOf('(`gateway`)'));
    expect(merged).toContain('- a note\n- Run: run C.');
  });

  it('writes a fresh report when there is none', () => {
    const section = renderSection({ name: 'provision', title: 'Provisioning a tenant', figures: [], notes: [] }, 'run D');
    expect(mergeReport(undefined, preamble, [{ name: 'provision', text: section }])).toBe(`${preamble}\n${section}`);
  });
});
