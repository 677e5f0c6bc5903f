import type { JWK } from 'jose';
import { createHash, randomUUID } from 'node:crypto';
import { importJWK, jwtVerify } from 'jose';
import { appendAuditEvent, chainHash, type ChainedEventContent } from '@tenantry/audit-writer';
import type { Principal } from '@tenantry/auth';
import { tenantSchemaName, withTenant } from '@tenantry/tenancy';
import { createMember, createTenant, errorCodes, graphql, type TestTenant, useStack } from '@tenantry/testing';

const EXPORT = `query Export($from: String, $to: String, $format: AuditExportFormat) {
  exportAuditEvents(from: $from, to: $to, format: $format) {
    format contentType fromSequence toSequence eventCount document documentHash anchorHash lastHash proof
    verification { ok firstBreak { sequence reason } }
  }
}`;

interface Export {
  format: string;
  contentType: string;
  fromSequence: string;
  toSequence: string;
  eventCount: number;
  document: string;
  documentHash: string;
  anchorHash: string;
  lastHash: string;
  proof: string;
  verification: { ok: boolean; firstBreak: { sequence: string; reason: string } | null };
}

describe('exporting the audit trail', () => {
  const fixture = useStack();
  let tenant: TestTenant;
  let token: string;
  const actor: Principal = { kind: 'user', userId: randomUUID(), role: 'admin' };

  beforeAll(async () => {
    tenant = await createTenant(fixture.db.dataSource, { plan: 'enterprise' });
    const admin = await createMember(fixture.db.dataSource, tenant.id, 'admin');
    token = await fixture.stack.token({ userId: admin.id, tenantId: tenant.id, role: 'admin' });
    for (let i = 1; i <= 12; i++) {
      await withTenant(fixture.db.dataSource, tenant.id, (m) =>
        appendAuditEvent(m, {
          action: 'widget.updated',
          actor,
          resourceType: 'widget',
          resourceId: `w,"${i}"`,
          changes: { n: { from: i - 1, to: i } },
        }),
      );
    }
  });

  async function exportRange(variables: Record<string, unknown>): Promise<Export> {
    const res = await graphql<{ exportAuditEvents: Export }>(fixture.stack.gatewayUrl, EXPORT, { token, variables });
    expect(errorCodes(res)).toEqual([]);
    return res.body.data!.exportAuditEvents;
  }

  it('exports a range as NDJSON that a holder can re-hash and check against the signed proof', async () => {
    const exported = await exportRange({ from: '4', to: '9' });

    expect(exported).toMatchObject({
      format: 'NDJSON',
      contentType: 'application/x-ndjson',
      fromSequence: '4',
      toSequence: '9',
      eventCount: 6,
    });
    expect(exported.verification).toEqual({ ok: true, firstBreak: null });
    // What an auditor does with the document and the public key, without Tenantry's code paths:
    const lines = exported.document
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as ChainedEventContent & { prevHash: string; hash: string });
    expect(lines.map((l) => l.seq)).toEqual(['4', '5', '6', '7', '8', '9']);
    let previous = exported.anchorHash;
    for (const { prevHash, hash, ...content } of lines) {
      expect(prevHash).toBe(previous);
      expect(chainHash(Buffer.from(prevHash, 'hex'), content).toString('hex')).toBe(hash);
      previous = hash;
    }
    expect(previous).toBe(exported.lastHash);
    expect(createHash('sha256').update(exported.document).digest('hex')).toBe(exported.documentHash);
    const key = await graphql<{ auditSigningKey: Record<string, string> }>(fixture.stack.gatewayUrl, '{ auditSigningKey }', { token });
    const { payload } = await jwtVerify(exported.proof, await importJWK(key.body.data!.auditSigningKey as unknown as JWK, 'EdDSA'));
    expect(payload).toMatchObject({
      tid: tenant.id,
      from: '4',
      to: '9',
      count: '6',
      doc: exported.documentHash,
      anchor: exported.anchorHash,
      last: exported.lastHash,
      ok: 'true',
    });
  });

  it('exports the whole chain as CSV with one row per event', async () => {
    const exported = await exportRange({ format: 'CSV' });

    expect(exported).toMatchObject({ format: 'CSV', contentType: 'text/csv', fromSequence: '1', toSequence: '12', eventCount: 12 });
    const rows = exported.document.split('\r\n');
    expect(rows[0]).toMatch(/^seq,id,occurredAt,action,/);
    expect(rows).toHaveLength(14);
    expect(rows[1]).toContain('"w,""1"""');
    expect(exported.anchorHash).toBe('0'.repeat(64));
  });

  it('says in the export when the range is broken', async () => {
    const schema = `"${tenantSchemaName(tenant.id)}"`;
    await fixture.db.dataSource.transaction(async (m) => {
      await m.query(`ALTER TABLE ${schema}.audit_events DISABLE TRIGGER USER`);
      await m.query(`UPDATE ${schema}.audit_events SET resource_id = 'edited' WHERE seq = 11`);
      await m.query(`ALTER TABLE ${schema}.audit_events ENABLE TRIGGER USER`);
    });

    const exported = await exportRange({ from: '10' });

    expect(exported.verification).toEqual({ ok: false, firstBreak: { sequence: '11', reason: 'CONTENT_MISMATCH' } });
  });

  it('refuses a range larger than one export with BAD_USER_INPUT', async () => {
    const res = await graphql(fixture.stack.gatewayUrl, EXPORT, { token, variables: { from: '1', to: '20000' } });
    expect(errorCodes(res)).toEqual(['BAD_USER_INPUT']);
  });
});
