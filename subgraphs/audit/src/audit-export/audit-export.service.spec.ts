import { AuditExportFormat, encodeExport, type ExportedEvent } from './audit-export.service';

const event = (seq: string, overrides: Partial<ExportedEvent> = {}): ExportedEvent => ({
  tenantId: '3f2a6c1e-9b7d-4c2a-8e1f-0a1b2c3d4e5f',
  seq,
  id: `00000000-0000-4000-8000-00000000000${seq}`,
  action: 'tenant.renamed',
  actorType: 'user',
  actorId: null,
  resourceType: 'tenant',
  resourceId: 'r',
  changes: { name: { to: 'N' } },
  requestId: null,
  occurredAt: '2026-11-23T10:00:00.000Z',
  prevHash: '00'.repeat(32),
  hash: 'ab'.repeat(32),
  ...overrides,
});

describe('audit export encoding', () => {
  it('writes NDJSON as one canonical object per line, fields in sorted order', () => {
    const text = encodeExport([event('1'), event('2')], AuditExportFormat.NDJSON);
    const lines = text.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    expect(JSON.parse(lines[0]!)).toEqual(event('1'));
    expect(lines[0]!.startsWith('{"action":"tenant.renamed","actorId":null,')).toBe(true);
  });

  it('writes CSV with a header and RFC 4180 quoting, values unchanged', () => {
    const text = encodeExport([event('1', { resourceId: 'a "quoted", multi\nline id', actorId: '=cmd()' })], AuditExportFormat.CSV);
    const [header, row, end] = text.split('\r\n');
    expect(header).toBe('seq,id,occurredAt,action,actorType,actorId,resourceType,resourceId,requestId,changes,tenantId,prevHash,hash');
    expect(row).toContain(',=cmd(),tenant,"a ""quoted"", multi\nline id",,"{""name"":{""to"":""N""}}",');
    expect(end).toBe('');
  });

  it('writes an empty range as an empty NDJSON document and a header-only CSV', () => {
    expect(encodeExport([], AuditExportFormat.NDJSON)).toBe('');
    expect(encodeExport([], AuditExportFormat.CSV).split('\r\n')).toHaveLength(2);
  });
});
