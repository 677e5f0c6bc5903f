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
