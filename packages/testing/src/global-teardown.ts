export default async function globalTeardown(): Promise<void> {
  await globalThis.__TENANTRY_PG_STOP__?.();
}
