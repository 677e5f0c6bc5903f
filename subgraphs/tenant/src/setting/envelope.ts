import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Envelope encryption for tenant secrets: each tenant has a random 256-bit data key; secrets are
 * AES-256-GCM under it, and the data key itself is AES-256-GCM under the platform master key
 * (MASTER_KEY). Rotating the master key re-wraps data keys and never touches the secrets.
 *
 * Layout of every sealed value: 12-byte IV || 16-byte tag || ciphertext. The associated data
 * binds a sealed value to where it belongs (tenant id, setting key), so a row copied to another
 * tenant or key does not decrypt.
 */
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

export interface MasterKey {
  /** 16 hex characters of SHA-256 over the key: names the key in rows, reveals nothing of it. */
  id: string;
  key: Buffer;
}

export function masterKeyFromBase64(base64: string): MasterKey {
  const key = Buffer.from(base64, 'base64');
  if (key.length !== KEY_BYTES) throw new Error('A master key must be 32 bytes, base64-encoded');
  return { id: createHash('sha256').update(key).digest('hex').slice(0, 16), key };
}

/** The current master key and any previous ones still being rotated away from. */
export class MasterKeyring {
  readonly current: MasterKey;
  private readonly byId: Map<string, MasterKey>;

  constructor(current: MasterKey, previous: MasterKey[] = []) {
    this.current = current;
    this.byId = new Map([current, ...previous].map((k) => [k.id, k]));
  }

  get(id: string): MasterKey {
    const key = this.byId.get(id);
    if (!key) throw new Error(`Data key is wrapped by master key ${id}, which is not configured`);
    return key;
  }
}

export function seal(key: Buffer, plaintext: Buffer, associatedData: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

/** Throws when the value was tampered with, or belongs to other associated data. */
export function open(key: Buffer, sealed: Buffer, associatedData: string): Buffer {
  if (sealed.length < IV_BYTES + TAG_BYTES) throw new Error('Sealed value is too short');
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(associatedData, 'utf8'));
  decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
}

export function newDataKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

/** 60 bytes: IV, tag and the 32-byte data key, bound to the tenant. */
export function wrapDataKey(master: MasterKey, dataKey: Buffer, tenantId: string): Buffer {
  return seal(master.key, dataKey, `tenantry:data-key:${tenantId}`);
}

export function unwrapDataKey(master: MasterKey, wrapped: Buffer, tenantId: string): Buffer {
  return open(master.key, wrapped, `tenantry:data-key:${tenantId}`);
}

export function settingAssociatedData(tenantId: string, key: string): string {
  return `tenantry:setting:${tenantId}:${key}`;
}
