import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadCliConfig } from './config';
import { generatePlatformKeys, resolvePlatformKeys } from './dev-keys';

describe('development keys', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'tenantry-keys-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('generates every key once, audit key included, and reuses them on the next start', async () => {
    const config = loadCliConfig({ DATA_DIR: dir });
    const first = await resolvePlatformKeys(config);
    expect(Object.keys(first).sort()).toEqual([
      'ACCESS_TOKEN_SIGNING_KEY',
      'AUDIT_SIGNING_KEY',
      'CONTEXT_SIGNING_KEY',
      'CONTEXT_VERIFY_KEY',
      'MASTER_KEY',
    ]);
    expect(JSON.parse(first.AUDIT_SIGNING_KEY)).toMatchObject({ kty: 'OKP', crv: 'Ed25519', d: expect.any(String) });
    expect(await resolvePlatformKeys(config)).toEqual(first);
  });

  it('adds the audit key to a key file written before it existed, keeping the other keys', async () => {
    const { AUDIT_SIGNING_KEY: _absent, ...older } = await generatePlatformKeys();
    await writeFile(path.join(dir, 'dev-keys.json'), JSON.stringify(older));

    const keys = await resolvePlatformKeys(loadCliConfig({ DATA_DIR: dir }));

    expect(keys).toMatchObject(older);
    expect(keys.AUDIT_SIGNING_KEY).toEqual(expect.any(String));
    expect(JSON.parse(await readFile(path.join(dir, 'dev-keys.json'), 'utf8'))).toEqual(keys);
  });
});
