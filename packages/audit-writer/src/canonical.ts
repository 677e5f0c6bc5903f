import { createHash } from 'node:crypto';

/** Version of the encoding below; a new encoding gets a new number, old events keep theirs. */
export const CHAIN_ENCODING_VERSION = 1;

/** The hash that precedes the first chained event of a tenant. */
export const GENESIS_HASH = Buffer.alloc(32);

/**
 * Exactly what an event's hash covers. Every field is text or JSON chosen by the writer
 * (sequence as a decimal string, time as ISO-8601 UTC with milliseconds), so neither the
 * database session (time zone, float formatting) nor the driver can change the bytes.
 */
export interface ChainedEventContent {
  /** The tenant whose chain this is; in the platform chain, the tenant the event concerns (or null). */
  tenantId: string | null;
  seq: string;
  id: string;
  action: string;
  actorType: string;
  actorId: string | null;
  resourceType: string;
  resourceId: string;
  changes: Record<string, unknown>;
  requestId: string | null;
  occurredAt: string;
}

/**
 * JSON with object keys sorted (by UTF-16 code units, recursively) and no whitespace.
 * Only JSON values are accepted: the writer normalises with a JSON round trip first, which is
 * also what a jsonb column gives back.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('canonicalJson: non-finite number');
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record)
        .filter((k) => record[k] !== undefined)
        .sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(',')}}`;
    }
    default:
      throw new TypeError(`canonicalJson: ${typeof value} is not a JSON value`);
  }
}

/** The bytes an event's hash covers: encoding version and content, canonically. */
export function canonicalEvent(content: ChainedEventContent): string {
  // Exactly canonicalJson({ v, ...content }) (the spec checks it), with the fixed top-level keys
  // written in their sorted order instead of sorted per event: verification runs this per row.
  const text = (value: string | null) => (value === null ? 'null' : JSON.stringify(value));
  return (
    `{"action":${text(content.action)},"actorId":${text(content.actorId)},"actorType":${text(content.actorType)}` +
    `,"changes":${canonicalJson(content.changes)},"id":${text(content.id)},"occurredAt":${text(content.occurredAt)}` +
    `,"requestId":${text(content.requestId)},"resourceId":${text(content.resourceId)},"resourceType":${text(content.resourceType)}` +
    `,"seq":${text(content.seq)},"tenantId":${text(content.tenantId)},"v":${CHAIN_ENCODING_VERSION}}`
  );
}

/** sha256(previous hash || canonical encoding of the event). */
export function chainHash(previousHash: Buffer, content: ChainedEventContent): Buffer {
  if (previousHash.length !== 32) throw new RangeError('previous hash must be 32 bytes');
  return createHash('sha256').update(previousHash).update(canonicalEvent(content), 'utf8').digest();
}

/** The JSON a jsonb column would give back: drops undefined, turns Dates into strings. */
export function asStoredJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
