/** One line of the report: a measured figure beside its target. */
export interface Figure {
  label: string;
  value: string;
  target?: string;
  /** undefined when the figure has no target (a baseline, or information). */
  met?: boolean;
}

export interface BenchmarkResult {
  name: string;
  title: string;
  figures: Figure[];
  notes: string[];
}

export interface BenchContext {
  /** A server URL; each benchmark makes its own database on it. */
  serverUrl: string;
  /** Set when REDIS_URL is: benchmarks with a Redis variant measure it too. */
  redisUrl?: string;
  quick: boolean;
  log: (line: string) => void;
}

export interface Benchmark {
  name: string;
  title: string;
  run: (ctx: BenchContext) => Promise<BenchmarkResult>;
}

export const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 1)} ms`;

/** One benchmark's section of docs/benchmarks.md, headed `## <title> (`<name>`)`. */
export function renderSection(r: BenchmarkResult, run: string): string {
  const lines = [`## ${r.title} (\`${r.name}\`)`, '', '| figure | value | target | met |', '| --- | --- | --- | --- |'];
  for (const f of r.figures)
    lines.push(`| ${f.label} | ${f.value} | ${f.target ?? ''} | ${f.met === undefined ? '' : f.met ? 'met' : '**not met**'} |`);
  lines.push('');
  for (const note of [...r.notes, `Run: ${run}.`]) lines.push(`- ${note}`);
  lines.push('');
  return lines.join('\n');
}

const SECTION_NAME = /^## .*\(`([^`]+)`\)\s*$/;

/**
 * The report with this run's sections in place of the same benchmarks' earlier ones, and every
 * other section kept as it was: running one benchmark must not erase the others' figures.
 * Sections keep their order; new ones go at the end. The preamble is this run's.
 */
export function mergeReport(existing: string | undefined, preamble: string, sections: { name: string; text: string }[]): string {
  const kept: { name: string | undefined; text: string }[] = [];
  if (existing) {
    const parts = existing.split(/^(?=## )/m);
    for (const part of parts.slice(existing.startsWith('## ') ? 0 : 1)) {
      kept.push({ name: SECTION_NAME.exec(part.split('\n', 1)[0]!)?.[1], text: part.trimEnd() + '\n' });
    }
  }
  const fresh = new Map(sections.map((s) => [s.name, s.text.trimEnd() + '\n']));
  const out = kept.map((section) => {
    const replacement = section.name === undefined ? undefined : fresh.get(section.name);
    if (replacement === undefined) return section.text;
    fresh.delete(section.name!);
    return replacement;
  });
  out.push(...fresh.values());
  return [preamble.trimEnd() + '\n', ...out].join('\n');
}
