import { readFileSync } from 'node:fs';
import path from 'node:path';

/** Shipped list of breached passwords (subgraphs/identity/data), loaded once per process. */
export const COMMON_PASSWORDS_FILE = path.resolve(__dirname, '../../data/common-passwords.txt');

export function loadCommonPasswords(file = COMMON_PASSWORDS_FILE): ReadonlySet<string> {
  return new Set(
    readFileSync(file, 'utf8')
      .split('\n')
      .map((line) => line.trim().toLowerCase())
      .filter((line) => line && !line.startsWith('#')),
  );
}

export const MAX_PASSWORD_LENGTH = 256;

export type PasswordProblem = 'TOO_SHORT' | 'TOO_LONG' | 'COMMON' | 'CONTAINS_EMAIL';

/**
 * NIST 800-63B style: length and a breached-password list, no composition rules. Returns the
 * first problem, or undefined when the password is acceptable.
 */
export function passwordProblem(
  password: string,
  options: { minLength: number; common: ReadonlySet<string>; email?: string },
): PasswordProblem | undefined {
  const length = [...password].length;
  if (length < options.minLength) return 'TOO_SHORT';
  if (length > MAX_PASSWORD_LENGTH) return 'TOO_LONG';
  const lower = password.toLowerCase();
  if (options.common.has(lower)) return 'COMMON';
  const local = options.email?.split('@')[0];
  if (local && local.length >= 4 && lower.includes(local)) return 'CONTAINS_EMAIL';
  return undefined;
}
