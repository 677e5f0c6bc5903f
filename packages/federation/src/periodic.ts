import type { Logger } from '@tenantry/logging';

/** Runs `run` every `intervalMs` (never two at once; 0 = never); stop() waits for a running pass. */
export function startPeriodic(name: string, intervalMs: number, run: () => Promise<void>, log: Logger): { stop: () => Promise<void> } {
  if (intervalMs <= 0) return { stop: async () => undefined };
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = run()
      .catch((error: unknown) => log.error({ err: error, job: name }, 'periodic job failed'))
      .finally(() => {
        running = undefined;
      });
  }, intervalMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
