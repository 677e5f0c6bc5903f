import 'reflect-metadata';
import { ConfigError } from '@tenantry/config';
import { auditCommand } from './commands/audit';
import { composeCommand } from './commands/compose';
import { expireTrialsCommand } from './commands/expire-trials';
import { keysCommand } from './commands/keys';
import { migrateCommand } from './commands/migrate';
import { pqCommand } from './commands/pq';
import { rotateMasterKeyCommand } from './commands/rotate-master-key';
import { startCommand } from './commands/start';
import { tenantCommand } from './commands/tenant';
import { REPO_ROOT, loadCliConfig } from './config';

// The one place this process reads its environment.
const env = process.env;

const commands: Record<string, (args: string[]) => Promise<number>> = {
  start: () => startCommand(loadCliConfig(env), env),
  migrate: (args) => migrateCommand(args, loadCliConfig(env)),
  compose: (args) => composeCommand(args, REPO_ROOT),
  keys: () => keysCommand(),
  tenant: (args) => tenantCommand(args, loadCliConfig(env)),
  pq: (args) => pqCommand(args, loadCliConfig(env)),
  audit: (args) => auditCommand(args, loadCliConfig(env)),
  'rotate-master-key': (args) => rotateMasterKeyCommand(args, loadCliConfig(env)),
  'expire-trials': (args) => expireTrialsCommand(args, loadCliConfig(env)),
};

async function main(): Promise<number> {
  const [name, ...args] = process.argv.slice(2);
  const command = name ? commands[name] : undefined;
  if (!command) {
    process.stderr.write(`usage: tenantry <${Object.keys(commands).join('|')}> [options]\n`);
    return 2;
  }
  return command(args);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      error instanceof ConfigError ? `${error.message}\n` : `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
