import { MasterKeyring, masterKeyFromBase64 } from './envelope';

/** The keyring a process works with: MASTER_KEY, plus MASTER_KEY_PREVIOUS during a rotation. */
export function keyringFromConfig(config: { MASTER_KEY: string; MASTER_KEY_PREVIOUS?: string | undefined }): MasterKeyring {
  const previous = config.MASTER_KEY_PREVIOUS ? [masterKeyFromBase64(config.MASTER_KEY_PREVIOUS)] : [];
  return new MasterKeyring(masterKeyFromBase64(config.MASTER_KEY), previous);
}
