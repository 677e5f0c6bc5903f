import type { DataSource, EntityManager } from 'typeorm';
import { appendAuditEvent } from '@tenantry/audit-writer';
import { withTenantAsPlatform } from '@tenantry/tenancy';
import { newDataKey, unwrapDataKey, wrapDataKey, type MasterKeyring } from './envelope';

/**
 * The tenant's data key, unwrapped, inside the caller's tenant transaction; created on first
 * use (two racing first uses agree: the loser's insert does nothing and it reads the winner's).
 */
export async function tenantDataKey(manager: EntityManager, tenantId: string, keyring: MasterKeyring): Promise<Buffer> {
  const read = async () =>
    (await manager.query(`SELECT wrapped_key, master_key_id FROM platform.tenant_data_keys WHERE tenant_id = $1`, [tenantId])) as {
      wrapped_key: Buffer;
      master_key_id: string;
    }[];
  let [row] = await read();
  if (!row) {
    await manager.query(
      `INSERT INTO platform.tenant_data_keys (tenant_id, wrapped_key, master_key_id) VALUES ($1, $2, $3) ON CONFLICT (tenant_id) DO NOTHING`,
      [tenantId, wrapDataKey(keyring.current, newDataKey(), tenantId), keyring.current.id],
    );
    [row] = await read();
  }
  return unwrapDataKey(keyring.get(row!.master_key_id), row!.wrapped_key, tenantId);
}

export interface RewrapReport {
  rewrapped: string[];
  failed: { tenantId: string; error: string }[];
}

/**
 * Master-key rotation: every data key not yet under the keyring's current master key is
 * unwrapped with the key that wrapped it and wrapped again under the current one — one tenant
 * per transaction, with an audit event in that tenant's trail. Secrets are not touched.
 * Resumable: a rerun picks up only what is still under an old key.
 */
export async function rewrapDataKeys(dataSource: DataSource, keyring: MasterKeyring): Promise<RewrapReport> {
  const pending: { tenant_id: string }[] = await dataSource.query(
    `SELECT k.tenant_id FROM platform.tenant_data_keys k JOIN platform.tenants t ON t.id = k.tenant_id
      WHERE k.master_key_id <> $1 AND t.status <> 'purged' ORDER BY k.tenant_id`,
    [keyring.current.id],
  );
  const report: RewrapReport = { rewrapped: [], failed: [] };
  for (const { tenant_id: tenantId } of pending) {
    try {
      await withTenantAsPlatform(dataSource, tenantId, async (manager) => {
        const [row] = (await manager.query(
          `SELECT wrapped_key, master_key_id FROM platform.tenant_data_keys WHERE tenant_id = $1 FOR UPDATE`,
          [tenantId],
        )) as { wrapped_key: Buffer; master_key_id: string }[];
        if (!row || row.master_key_id === keyring.current.id) return;
        const dataKey = unwrapDataKey(keyring.get(row.master_key_id), row.wrapped_key, tenantId);
        await manager.query(
          `UPDATE platform.tenant_data_keys SET wrapped_key = $2, master_key_id = $3, rewrapped_at = now() WHERE tenant_id = $1`,
          [tenantId, wrapDataKey(keyring.current, dataKey, tenantId), keyring.current.id],
        );
        await appendAuditEvent(manager, {
          action: 'tenant.data_key_rewrapped',
          actor: { kind: 'anonymous' },
          resourceType: 'data_key',
          resourceId: tenantId,
          changes: { masterKeyId: { from: row.master_key_id, to: keyring.current.id } },
        });
      });
      report.rewrapped.push(tenantId);
    } catch (error) {
      report.failed.push({ tenantId, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return report;
}
