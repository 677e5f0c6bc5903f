import cluster, { type Worker } from 'node:cluster';
import type { Logger } from '@tenantry/logging';

/** More restarts than this within a minute means the workers cannot run: the primary gives up. */
const MAX_RESTARTS_PER_MINUTE = 10;

/**
 * The primary of GATEWAY_WORKERS > 1: forks that many gateway processes sharing the port (the
 * cluster module hands connections to them in turn), replaces one that dies, and on stop asks
 * each to drain and waits for it. Query planning and response merging are CPU work on one
 * thread per process, so workers are how one gateway host uses more than one core (ADR 0024).
 */
export function superviseWorkers(count: number, logger: Logger): { stop: () => Promise<void> } {
  let stopping = false;
  const restarts: number[] = [];
  const fork = (): Worker => cluster.fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    const now = Date.now();
    restarts.push(now);
    while (restarts.length && restarts[0]! < now - 60_000) restarts.shift();
    if (restarts.length > MAX_RESTARTS_PER_MINUTE) {
      logger.error({ code, signal }, 'gateway workers keep exiting; giving up');
      process.exit(1);
    }
    logger.warn({ pid: worker.process.pid, code, signal }, 'gateway worker exited; starting another');
    fork();
  });
  for (let i = 0; i < count; i++) fork();
  logger.info({ workers: count }, 'gateway workers started');
  return {
    stop: async () => {
      stopping = true;
      await Promise.all(
        Object.values(cluster.workers ?? {}).map(
          (worker) =>
            new Promise<void>((resolve) => {
              if (!worker || worker.isDead()) return resolve();
              worker.once('exit', () => resolve());
              worker.process.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}
