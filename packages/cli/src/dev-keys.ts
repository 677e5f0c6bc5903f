import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile, chmod } from 'node:fs/promises';
import path from 'node:path';
import { generateSigningJwk } from '@tenantry/auth';
import type { CliConfig } from './config';

export interface PlatformKeys {
  CONTEXT_SIGNING_KEY: string;
  CONTEXT_VERIFY_KEY: string;
  ACCESS_TOKEN_SIGNING_KEY: string;
  /** 32 random bytes, base64: wraps every tenant's data key (secret settings). */
  MASTER_KEY: string;
  /** The platform's audit key: signs audit checkpoints (audit subgraph). */
  AUDIT_SIGNING_KEY: string;
}

/** Fresh keys, as the environment variables that carry them. */
export async function generatePlatformKeys(): Promise<PlatformKeys> {
  const context = await generateSigningJwk();
  const access = await generateSigningJwk();
  const audit = await generateSigningJwk();
  return {
    CONTEXT_SIGNING_KEY: JSON.stringify(context.privateJwk),
    CONTEXT_VERIFY_KEY: JSON.stringify(context.publicJwk),
    ACCESS_TOKEN_SIGNING_KEY: JSON.stringify(access.privateJwk),
    MASTER_KEY: randomBytes(32).toString('base64'),
    AUDIT_SIGNING_KEY: JSON.stringify(audit.privateJwk),
  };
}

/**
 * Keys from the environment when all are set (production requires that); in development,
 * keys generated once and kept in DATA_DIR/dev-keys.json (mode 600, git-ignored).
 */
export async function resolvePlatformKeys(config: CliConfig): Promise<PlatformKeys> {
  if (
    config.CONTEXT_SIGNING_KEY &&
    config.CONTEXT_VERIFY_KEY &&
    config.ACCESS_TOKEN_SIGNING_KEY &&
    config.MASTER_KEY &&
    config.AUDIT_SIGNING_KEY
  ) {
    return {
      CONTEXT_SIGNING_KEY: config.CONTEXT_SIGNING_KEY,
      CONTEXT_VERIFY_KEY: config.CONTEXT_VERIFY_KEY,
      ACCESS_TOKEN_SIGNING_KEY: config.ACCESS_TOKEN_SIGNING_KEY,
      MASTER_KEY: config.MASTER_KEY,
      AUDIT_SIGNING_KEY: config.AUDIT_SIGNING_KEY,
    };
  }
  const file = path.join(config.DATA_DIR, 'dev-keys.json');
  const existing = await readFile(file, 'utf8').then(
    (text) => JSON.parse(text) as Partial<PlatformKeys>,
    () => undefined,
  );
  // A file from before a key existed keeps its keys and gains the new ones.
  const fresh = await generatePlatformKeys();
  if (existing && Object.keys(fresh).every((name) => existing[name as keyof PlatformKeys])) return existing as PlatformKeys;
  const keys: PlatformKeys = { ...fresh, ...existing };
  await mkdir(config.DATA_DIR, { recursive: true });
  await writeFile(file, JSON.stringify(keys, null, 2));
  await chmod(file, 0o600);
  return keys;
}
