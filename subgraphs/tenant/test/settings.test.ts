import { randomBytes } from 'node:crypto';
import { MasterKeyring, masterKeyFromBase64, rewrapDataKeys } from '@tenantry/subgraph-tenant';
import { SettingService } from '../src/setting/setting.service';
import { RequestDatabase, tenantSchemaName } from '@tenantry/tenancy';
import { createMember, createTenant, errorCodes, graphql, type TestTenant, useStack } from '@tenantry/testing';

const SET = `mutation S($key: String!, $value: String!) { setTenantSetting(input: { key: $key, value: $value }) { key value isSet secret } }`;
const LIST = `{ settings { key type value isSet secret } }`;
const PLAINTEXT = 'correct-horse-battery-staple-4711';

describe('tenant settings (through the gateway)', () => {
  const masterA = randomBytes(32).toString('base64');
  const fixture = useStack({ MASTER_KEY: masterA });

  async function tokens(tenant: TestTenant) {
    const admin = await createMember(fixture.db.dataSource, tenant.id, 'admin');
    const viewer = await createMember(fixture.db.dataSource, tenant.id, 'viewer');
    return {
      admin: await fixture.stack.token({ userId: admin.id, tenantId: tenant.id, role: 'admin' }),
      viewer: await fixture.stack.token({ userId: viewer.id, tenantId: tenant.id, role: 'viewer' }),
    };
  }

  /** Every byte PostgreSQL holds for the tenant's settings and data key, as text and as hex. */
  async function rawStorage(tenant: TestTenant): Promise<string> {
    const settings = await fixture.db.dataSource.query(
      `SELECT s::text AS row, encode(ciphertext, 'escape') AS bytes FROM "${tenantSchemaName(tenant.id)}".settings s`,
    );
    const keys = await fixture.db.dataSource.query(
      `SELECT k::text AS row, encode(wrapped_key, 'escape') AS bytes FROM platform.tenant_data_keys k WHERE tenant_id = $1`,
      [tenant.id],
    );
    const audit = await fixture.db.dataSource.query(`SELECT e::text AS row FROM "${tenantSchemaName(tenant.id)}".audit_events e`);
    return JSON.stringify([settings, keys, audit]);
  }

  it('stores a typed setting, shows it to viewers, and falls back to defaults', async () => {
    const tenant = await createTenant(fixture.db.dataSource);
    const { admin, viewer } = await tokens(tenant);
    const set = await graphql(fixture.stack.gatewayUrl, SET, {
      token: admin,
      variables: { key: 'security.session_timeout_minutes', value: '30' },
    });
    expect(set.body.data).toEqual({
      setTenantSetting: { key: 'security.session_timeout_minutes', value: '30', isSet: true, secret: false },
    });

    const list = await graphql<{ settings: { key: string; value: string | null; isSet: boolean }[] }>(fixture.stack.gatewayUrl, LIST, {
      token: viewer,
    });
    expect(errorCodes(list)).toEqual([]);
    const byKey = Object.fromEntries(list.body.data!.settings.map((s) => [s.key, s]));
    expect(byKey['security.session_timeout_minutes']).toMatchObject({ value: '30', isSet: true });
    expect(byKey['ui.week_starts_on']).toMatchObject({ value: '"monday"', isSet: false });
    const [row] = await fixture.db.dataSource.query(
      `SELECT value FROM "${tenantSchemaName(tenant.id)}".settings WHERE key = 'security.session_timeout_minutes'`,
    );
    expect(row.value).toBe(30);
  });

  it('validates per key (BAD_USER_INPUT with the reason) and lets only admins write (FORBIDDEN)', async () => {
    const tenant = await createTenant(fixture.db.dataSource);
    const { admin, viewer } = await tokens(tenant);
    const outOfRange = await graphql(fixture.stack.gatewayUrl, SET, {
      token: admin,
      variables: { key: 'security.session_timeout_minutes', value: '2' },
    });
    const notHttps = await graphql(fixture.stack.gatewayUrl, SET, {
      token: admin,
      variables: { key: 'notifications.webhook_url', value: '"http://x.example"' },
    });
    const unknown = await graphql(fixture.stack.gatewayUrl, SET, { token: admin, variables: { key: 'billing.discount', value: '100' } });
    const asViewer = await graphql(fixture.stack.gatewayUrl, SET, {
      token: viewer,
      variables: { key: 'security.mfa_required', value: 'true' },
    });
    expect(outOfRange.body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_VALUE' });
    expect(notHttps.body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_VALUE' });
    expect(unknown.body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'UNKNOWN_SETTING' });
    expect(errorCodes(asViewer)).toEqual(['FORBIDDEN']);
    const [{ n }] = await fixture.db.dataSource.query(`SELECT count(*)::int AS n FROM "${tenantSchemaName(tenant.id)}".settings`);
    expect(n).toBe(0);
  });

  it('keeps a secret write-only and encrypted at rest: no plaintext in any row, audit event or API answer', async () => {
    const tenant = await createTenant(fixture.db.dataSource);
    const { admin } = await tokens(tenant);
    const set = await graphql(fixture.stack.gatewayUrl, SET, {
      token: admin,
      variables: { key: 'integrations.smtp_password', value: JSON.stringify(PLAINTEXT) },
    });
    const list = await graphql(fixture.stack.gatewayUrl, LIST, { token: admin });

    expect(set.body.data).toEqual({ setTenantSetting: { key: 'integrations.smtp_password', value: null, isSet: true, secret: true } });
    expect(JSON.stringify(list.body)).not.toContain(PLAINTEXT);
    const raw = await rawStorage(tenant);
    expect(raw).toContain('integrations.smtp_password');
    expect(raw).not.toContain(PLAINTEXT);
    expect(raw).not.toContain(Buffer.from(PLAINTEXT).toString('hex'));
    expect(raw).not.toContain(Buffer.from(PLAINTEXT).toString('base64'));
    const [row] = await fixture.db.dataSource.query(
      `SELECT value, length(ciphertext) AS len FROM "${tenantSchemaName(tenant.id)}".settings`,
    );
    expect(row.value).toBeNull();
    expect(row.len).toBe(12 + 16 + Buffer.byteLength(JSON.stringify(PLAINTEXT)));

    // The platform itself (not the API) can decrypt it with the master key the subgraph runs with.
    const service = new SettingService(
      new RequestDatabase(fixture.db.dataSource, tenant.id),
      new MasterKeyring(masterKeyFromBase64(masterA)),
    );
    await expect(service.revealSecret('integrations.smtp_password')).resolves.toBe(PLAINTEXT);
    // …and not with another master key.
    const stranger = new SettingService(
      new RequestDatabase(fixture.db.dataSource, tenant.id),
      new MasterKeyring(masterKeyFromBase64(randomBytes(32).toString('base64'))),
    );
    await expect(stranger.revealSecret('integrations.smtp_password')).rejects.toThrow(/not configured/);
  });

  it('gives each tenant its own data key, so one tenant’s ciphertext does not open under another’s', async () => {
    const one = await createTenant(fixture.db.dataSource);
    const two = await createTenant(fixture.db.dataSource);
    for (const tenant of [one, two]) {
      const { admin } = await tokens(tenant);
      await graphql(fixture.stack.gatewayUrl, SET, {
        token: admin,
        variables: { key: 'integrations.smtp_password', value: JSON.stringify(PLAINTEXT) },
      });
    }
    const keys = await fixture.db.dataSource.query(`SELECT wrapped_key FROM platform.tenant_data_keys WHERE tenant_id = ANY($1::uuid[])`, [
      [one.id, two.id],
    ]);
    expect(keys).toHaveLength(2);
    // Copy tenant one's sealed secret into tenant two: it must not decrypt there.
    await fixture.db.dataSource.query(
      `UPDATE "${tenantSchemaName(two.id)}".settings SET ciphertext = (SELECT ciphertext FROM "${tenantSchemaName(one.id)}".settings WHERE key = 'integrations.smtp_password') WHERE key = 'integrations.smtp_password'`,
    );
    const service = new SettingService(new RequestDatabase(fixture.db.dataSource, two.id), new MasterKeyring(masterKeyFromBase64(masterA)));
    await expect(service.revealSecret('integrations.smtp_password')).rejects.toThrow();
  });

  it('rotating the master key re-wraps every data key (audited), leaves ciphertexts alone, and secrets open under the new key only', async () => {
    const tenant = await createTenant(fixture.db.dataSource);
    const { admin } = await tokens(tenant);
    await graphql(fixture.stack.gatewayUrl, SET, {
      token: admin,
      variables: { key: 'notifications.webhook_signing_secret', value: JSON.stringify(PLAINTEXT) },
    });
    const cipherBefore = await fixture.db.dataSource.query(`SELECT ciphertext FROM "${tenantSchemaName(tenant.id)}".settings`);
    const [keyBefore] = await fixture.db.dataSource.query(
      `SELECT wrapped_key, master_key_id FROM platform.tenant_data_keys WHERE tenant_id = $1`,
      [tenant.id],
    );

    const a = masterKeyFromBase64(masterA);
    const b = masterKeyFromBase64(randomBytes(32).toString('base64'));
    const report = await rewrapDataKeys(fixture.db.dataSource, new MasterKeyring(b, [a]));
    const rerun = await rewrapDataKeys(fixture.db.dataSource, new MasterKeyring(b, [a]));

    expect(report.failed).toEqual([]);
    expect(report.rewrapped).toContain(tenant.id);
    expect(rerun).toEqual({ rewrapped: [], failed: [] });
    const [keyAfter] = await fixture.db.dataSource.query(
      `SELECT wrapped_key, master_key_id FROM platform.tenant_data_keys WHERE tenant_id = $1`,
      [tenant.id],
    );
    expect(keyBefore.master_key_id).toBe(a.id);
    expect(keyAfter.master_key_id).toBe(b.id);
    expect(Buffer.compare(keyAfter.wrapped_key, keyBefore.wrapped_key)).not.toBe(0);
    expect(await fixture.db.dataSource.query(`SELECT ciphertext FROM "${tenantSchemaName(tenant.id)}".settings`)).toEqual(cipherBefore);

    const withNewOnly = new SettingService(new RequestDatabase(fixture.db.dataSource, tenant.id), new MasterKeyring(b));
    const withOldOnly = new SettingService(new RequestDatabase(fixture.db.dataSource, tenant.id), new MasterKeyring(a));
    await expect(withNewOnly.revealSecret('notifications.webhook_signing_secret')).resolves.toBe(PLAINTEXT);
    await expect(withOldOnly.revealSecret('notifications.webhook_signing_secret')).rejects.toThrow(/not configured/);
    const [event] = await fixture.db.dataSource.query(
      `SELECT actor_type, changes FROM "${tenantSchemaName(tenant.id)}".audit_events WHERE action = 'tenant.data_key_rewrapped'`,
    );
    expect(event).toEqual({ actor_type: 'system', changes: { masterKeyId: { from: a.id, to: b.id } } });
  });

  it('audits a plain change with its values and a secret change without its value', async () => {
    const tenant = await createTenant(fixture.db.dataSource);
    const { admin } = await tokens(tenant);
    await graphql(fixture.stack.gatewayUrl, SET, { token: admin, variables: { key: 'ui.week_starts_on', value: '"sunday"' } });
    await graphql(fixture.stack.gatewayUrl, SET, {
      token: admin,
      variables: { key: 'integrations.smtp_password', value: JSON.stringify(PLAINTEXT) },
    });
    const cleared = await graphql(
      fixture.stack.gatewayUrl,
      `
        mutation {
          clearTenantSetting(key: "ui.week_starts_on") {
            value
            isSet
          }
        }
      `,
      { token: admin },
    );
    expect(cleared.body.data).toEqual({ clearTenantSetting: { value: '"monday"', isSet: false } });
    const events = await fixture.db.dataSource.query(
      `SELECT action, resource_id, changes FROM "${tenantSchemaName(tenant.id)}".audit_events ORDER BY seq`,
    );
    expect(events).toEqual([
      { action: 'setting.changed', resource_id: 'ui.week_starts_on', changes: { value: { from: null, to: 'sunday' } } },
      { action: 'setting.changed', resource_id: 'integrations.smtp_password', changes: { secret: { from: 'unset', to: 'set' } } },
      { action: 'setting.cleared', resource_id: 'ui.week_starts_on', changes: { value: { from: 'sunday', to: null } } },
    ]);
  });
});
