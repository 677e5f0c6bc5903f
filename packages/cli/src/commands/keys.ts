import { generatePlatformKeys } from '../dev-keys';

/** Prints fresh production keys as environment lines (store them in your secret manager). */
export async function keysCommand(): Promise<number> {
  const keys = await generatePlatformKeys();
  for (const [name, value] of Object.entries(keys)) process.stdout.write(`${name}='${value}'\n`);
  return 0;
}
