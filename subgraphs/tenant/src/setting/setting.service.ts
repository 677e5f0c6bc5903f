import { appendAuditEvent } from '@tenantry/audit-writer';
import type { RequestDatabase } from '@tenantry/tenancy';
import type { Actor } from '../tenant/tenant.service';
import { tenantDataKey } from './data-key';
import { open, seal, settingAssociatedData, type MasterKeyring } from './envelope';
import { SETTING_DEFINITIONS, parseSettingValue, settingDefinition, type SettingDefinition } from './setting.definitions';

interface SettingRow {
  key: string;
  value: unknown;
  ciphertext: Buffer | null;
  updated_at: Date;
}

export interface SettingView {
  key: string;
  type: SettingDefinition['type'];
  description: string;
  secret: boolean;
  /** JSON text; never the value of a secret. */
  value: string | null;
  isSet: boolean;
  updatedAt: Date | null;
}

function view(definition: SettingDefinition, row: SettingRow | undefined): SettingView {
  const secret = definition.secret === true;
  const stored = row && !secret ? row.value : undefined;
  const shown = stored !== undefined ? stored : secret ? undefined : definition.default;
  return {
    key: definition.key,
    type: definition.type,
    description: definition.description,
    secret,
    value: shown === undefined ? null : JSON.stringify(shown),
    isSet: row !== undefined,
    updatedAt: row?.updated_at ?? null,
  };
}

/** Typed per-tenant settings; secret ones sealed with the tenant's data key (envelope.ts). */
export class SettingService {
  constructor(
    private readonly db: RequestDatabase,
    private readonly keyring: MasterKeyring,
  ) {}

  async list(): Promise<SettingView[]> {
    const rows = await this.db.tenant((m) => m.query(`SELECT key, value, ciphertext, updated_at FROM settings`) as Promise<SettingRow[]>);
    const byKey = new Map(rows.map((r) => [r.key, r]));
    return SETTING_DEFINITIONS.map((d) => view(d, byKey.get(d.key)));
  }

  /** Validates and stores one value; a secret is encrypted before it reaches SQL. Audited without the value of secrets. */
  async set(key: string, json: string, actor: Actor): Promise<SettingView> {
    const definition = settingDefinition(key);
    const value = parseSettingValue(definition, json);
    const tenantId = this.db.tenantId!;
    return this.db.tenantWrite(async (manager) => {
      const [previous] = (await manager.query(`SELECT value, ciphertext FROM settings WHERE key = $1 FOR UPDATE`, [key])) as SettingRow[];
      let rows: SettingRow[];
      if (definition.secret) {
        const dataKey = await tenantDataKey(manager, tenantId, this.keyring);
        const ciphertext = seal(dataKey, Buffer.from(JSON.stringify(value), 'utf8'), settingAssociatedData(tenantId, key));
        rows = await manager.query(
          `INSERT INTO settings (key, value, ciphertext, updated_by) VALUES ($1, NULL, $2, $3)
           ON CONFLICT (key) DO UPDATE SET value = NULL, ciphertext = EXCLUDED.ciphertext, updated_by = EXCLUDED.updated_by, updated_at = now()
           RETURNING key, value, ciphertext, updated_at`,
          [key, ciphertext, actor.requestId],
        );
      } else {
        rows = await manager.query(
          `INSERT INTO settings (key, value, ciphertext, updated_by) VALUES ($1, $2::jsonb, NULL, $3)
           ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, ciphertext = NULL, updated_by = EXCLUDED.updated_by, updated_at = now()
           RETURNING key, value, ciphertext, updated_at`,
          [key, JSON.stringify(value), actor.requestId],
        );
      }
      await appendAuditEvent(manager, {
        action: 'setting.changed',
        actor: actor.principal,
        resourceType: 'setting',
        resourceId: key,
        changes: definition.secret
          ? { secret: { from: previous ? 'set' : 'unset', to: 'set' } }
          : { value: { from: previous?.value ?? null, to: value } },
        requestId: actor.requestId,
      });
      return view(definition, rows[0]);
    });
  }

  /** Back to the default (or, for a secret, to none). */
  async clear(key: string, actor: Actor): Promise<SettingView> {
    const definition = settingDefinition(key);
    return this.db.tenantWrite(async (manager) => {
      const [deleted] = (await manager.query(`DELETE FROM settings WHERE key = $1 RETURNING value`, [key])) as [SettingRow[], number];
      if (deleted.length > 0) {
        await appendAuditEvent(manager, {
          action: 'setting.cleared',
          actor: actor.principal,
          resourceType: 'setting',
          resourceId: key,
          changes: definition.secret ? { secret: { from: 'set', to: 'unset' } } : { value: { from: deleted[0]!.value, to: null } },
          requestId: actor.requestId,
        });
      }
      return view(definition, undefined);
    });
  }

  /**
   * For the platform's own use (sending mail, signing webhooks), never exposed through the API:
   * the decrypted value of a secret setting, or undefined when unset.
   */
  async revealSecret(key: string): Promise<string | undefined> {
    const definition = settingDefinition(key);
    if (!definition.secret) throw new Error(`${key} is not a secret setting`);
    const tenantId = this.db.tenantId!;
    return this.db.tenant(async (manager) => {
      const [row] = (await manager.query(`SELECT ciphertext FROM settings WHERE key = $1`, [key])) as SettingRow[];
      if (!row?.ciphertext) return undefined;
      const dataKey = await tenantDataKey(manager, tenantId, this.keyring);
      return JSON.parse(open(dataKey, row.ciphertext, settingAssociatedData(tenantId, key)).toString('utf8')) as string;
    });
  }
}
