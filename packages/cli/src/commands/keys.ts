import { randomBytes } from 'node:crypto';
import { generatePlatformKeys } from '../dev-keys';

/** Prints fresh production keys as environment lines (store them in your secret manager). */
export async function keysCommand(): Promise<number> {
  const keys = await generatePlatformKeys();
  // Identity's key for TOTP seeds at rest (required in production; not a signing key, so not in dev-keys).
  const all = { ...keys, MFA_SECRET_KEY: randomBytes(32).toString('base64') };
  for (const [name, value] of Object.entries(all)) process.stdout.write(`${name}='${value}'\n`);
  return 0;
}
