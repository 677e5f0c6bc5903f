import { ProgressBar, progressWanted, type ProgressStream } from './progress';

function terminal(isTTY = true): ProgressStream & { output: string } {
  const stream = {
    isTTY,
    columns: 120,
    output: '',
    write(chunk: string) {
      stream.output += chunk;
      return true;
    },
  };
  return stream;
}

describe('ProgressBar', () => {
  it('draws count, percentage, failures, rate and time left, and ends on its own line', () => {
    let now = 0;
    const stream = terminal();
    const bar = new ProgressBar({ label: 'migrate', total: 4, stream, enabled: true, now: () => now, redrawMs: 0 });
    now = 1000;
    bar.tick();
    expect(bar.render()).toBe('migrate [######------------------]  1/4  25%  1.0/s  eta 3.0s');
    now = 2000;
    bar.tick('failed');
    expect(bar.render()).toContain('2/4  50%  1 failed  1.0/s  eta 2.0s');
    bar.tick();
    bar.tick();
    bar.finish();
    expect(stream.output.endsWith('\n')).toBe(true);
    expect(stream.output).toContain('4/4  100%  1 failed');
    // Redrawn in place: carriage return and clear-line before each frame, no newline between.
    expect(stream.output.split('\n')).toHaveLength(2);
    expect(stream.output.match(/\r\x1b\[2K/g)!.length).toBeGreaterThanOrEqual(4);
  });

  it('prints lines above the bar without losing it', () => {
    const stream = terminal();
    const bar = new ProgressBar({ label: 'export', total: 2, stream, enabled: true, redrawMs: 0 });
    bar.tick('failed');
    bar.line('tenant acme: NOT_FOUND');
    const lines = stream.output.split('\n');
    expect(lines[0]).toMatch(/\r\x1b\[2Ktenant acme: NOT_FOUND$/);
    expect(lines[1]).toContain('export [');
  });

  it('throttles redraws so thousands of ticks cost a handful of writes', () => {
    let now = 0;
    const stream = terminal();
    let writes = 0;
    const counting: ProgressStream = { isTTY: true, write: (c) => (writes++, stream.write(c)) };
    const bar = new ProgressBar({ label: 'migrate', total: 10_000, stream: counting, enabled: true, now: () => now, redrawMs: 100 });
    for (let i = 0; i < 10_000; i++) {
      now += 0.1; // 1 s in all
      bar.tick();
    }
    expect(writes).toBeLessThanOrEqual(12);
    expect(stream.output).toContain('10000/10000');
  });

  it('draws nothing on a pipe, while lines still print plainly', () => {
    const stream = terminal(false);
    const bar = new ProgressBar({ label: 'migrate', total: 3, stream, enabled: true });
    bar.tick();
    bar.line('tenant x: failed');
    bar.finish();
    expect(bar.active).toBe(false);
    expect(stream.output).toBe('tenant x: failed\n');
  });

  it('is wanted only on a terminal, and never with --json or --no-progress', () => {
    expect(progressWanted([], terminal(true))).toBe(true);
    expect(progressWanted([], terminal(false))).toBe(false);
    expect(progressWanted(['--json'], terminal(true))).toBe(false);
    expect(progressWanted(['--no-progress'], terminal(true))).toBe(false);
  });
});
