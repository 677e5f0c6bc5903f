import { ConfigError } from '@tenantry/config';

/**
 * Entry point of a long-running process: start it, stop it cleanly on SIGINT/SIGTERM, and on
 * a bad configuration print every problem (each naming its variable) and exit 1.
 */
export function runMain(name: string, start: () => Promise<{ stop: () => Promise<void> }>): void {
  start().then(
    (handle) => {
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        handle.stop().then(
          () => process.exit(0),
          (error: unknown) => {
            process.stderr.write(`${name}: error while stopping on ${signal}: ${String(error)}\n`);
            process.exit(1);
          },
        );
      };
      process.on('SIGINT', () => stop('SIGINT'));
      process.on('SIGTERM', () => stop('SIGTERM'));
    },
    (error: unknown) => {
      if (error instanceof ConfigError) {
        process.stderr.write(`${name}: ${error.message}\n`);
      } else {
        process.stderr.write(`${name}: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      }
      process.exit(1);
    },
  );
}
