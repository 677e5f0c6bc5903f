/** Where a progress bar draws: a terminal stream, or anything shaped like one (tests). */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(chunk: string): boolean;
}

export interface ProgressOptions {
  /** What is being counted, e.g. "migrate" or "export". */
  label: string;
  total: number;
  stream: ProgressStream;
  /** Draws only when true; a bar on a pipe or in a log file is noise. */
  enabled: boolean;
  now?: () => number;
  /** Least time between two redraws, so 10,000 ticks cost a few hundred writes. */
  redrawMs?: number;
}

const WIDTH = 24;

/**
 * A one-line progress bar for long CLI runs (migrate, export): count, percentage, failures,
 * rate and time left, redrawn in place on a terminal. Lines printed through `line()` appear
 * above the bar. When disabled every call is a no-op except `line()`, which prints plainly, so
 * commands call it the same way whether or not a terminal is watching.
 */
export class ProgressBar {
  private done = 0;
  private failed = 0;
  private drawnAt = -Infinity;
  private drawn = false;
  private readonly startedAt: number;
  private readonly now: () => number;

  constructor(private readonly options: ProgressOptions) {
    this.now = options.now ?? Date.now;
    this.startedAt = this.now();
  }

  get active(): boolean {
    return this.options.enabled && this.options.stream.isTTY === true;
  }

  /** One unit finished, successfully or not. */
  tick(outcome: 'ok' | 'failed' = 'ok'): void {
    this.done += 1;
    if (outcome === 'failed') this.failed += 1;
    if (!this.active) return;
    const at = this.now();
    if (this.done === this.options.total || at - this.drawnAt >= (this.options.redrawMs ?? 100)) this.draw(at);
  }

  /** A line of output that must not be overwritten by the bar (a failure, say). */
  line(text: string): void {
    if (this.active && this.drawn) this.options.stream.write('\r\x1b[2K');
    this.options.stream.write(`${text}\n`);
    if (this.active && this.drawn) this.draw(this.now());
  }

  /** Leaves the final state of the bar on its own line. */
  finish(): void {
    if (!this.active) return;
    this.draw(this.now());
    this.options.stream.write('\n');
    this.drawn = false;
  }

  /** The bar's text for the current state (without control characters). */
  render(at: number = this.now()): string {
    const { total, label } = this.options;
    const fraction = total > 0 ? Math.min(1, this.done / total) : 1;
    const filled = Math.round(fraction * WIDTH);
    const elapsed = Math.max(1, at - this.startedAt) / 1000;
    const rate = this.done / elapsed;
    const left = rate > 0 ? (total - this.done) / rate : Number.NaN;
    const parts = [
      `${label} [${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}]`,
      `${this.done}/${total}`,
      `${Math.floor(fraction * 100)}%`,
      ...(this.failed ? [`${this.failed} failed`] : []),
      `${rate >= 10 ? Math.round(rate) : rate.toFixed(1)}/s`,
      this.done >= total ? `${formatSeconds(elapsed)}` : `eta ${Number.isFinite(left) ? formatSeconds(left) : '?'}`,
    ];
    return parts.join('  ');
  }

  private draw(at: number): void {
    const columns = this.options.stream.columns || 80; // a pty without a size says 0
    this.options.stream.write(`\r\x1b[2K${this.render(at).slice(0, Math.max(10, columns - 1))}`);
    this.drawnAt = at;
    this.drawn = true;
  }
}

function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)}s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
}

/** Whether a command should draw a bar: a terminal on stderr, not --json, not --no-progress. */
export function progressWanted(args: readonly string[], stream: ProgressStream): boolean {
  return stream.isTTY === true && !args.includes('--json') && !args.includes('--no-progress');
}
