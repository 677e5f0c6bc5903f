import { z } from 'zod';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/**
 * Parses environment variables against a zod object whose keys are the variable names.
 * Every problem is collected and reported at once, each naming its variable.
 */
export function loadConfig<S extends z.ZodRawShape>(shape: S, env: Env): z.infer<z.ZodObject<S>> {
  const input: Env = {};
  for (const key of Object.keys(shape)) {
    const value = env[key];
    // An empty variable means "not set", as in most shells' `FOO= cmd`.
    input[key] = value === undefined || value === '' ? undefined : value;
  }
  const result = z.object(shape).safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const variable = String(issue.path[0] ?? '(config)');
    const given = input[variable];
    const shown = given === undefined ? 'not set' : isSecretName(variable) ? 'value hidden' : JSON.stringify(given);
    return `${variable}: ${issue.message} (${shown})`;
  });
  throw new ConfigError(problems);
}

/** Throws one ConfigError naming each variable that production requires but is missing. */
export function requireInProduction(nodeEnv: string, values: Record<string, unknown>, hint: string): void {
  if (nodeEnv !== 'production') return;
  const missing = Object.entries(values)
    .filter(([, v]) => v === undefined)
    .map(([name]) => `${name}: required when NODE_ENV=production (${hint})`);
  if (missing.length > 0) throw new ConfigError(missing);
}

function isSecretName(name: string): boolean {
  return /KEY|SECRET|PASSWORD|TOKEN|DATABASE_URL|REDIS_URL/i.test(name);
}
