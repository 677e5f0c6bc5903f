import { GENESIS_HASH, chainHash } from '@tenantry/audit-writer';
import { ChainBreakReason, ChainVerifier, contentOf, type ChainRow } from './audit-chain.service';

const TENANT = '3f2a6c1e-9b7d-4c2a-8e1f-0a1b2c3d4e5f';

/** A well-formed chain of `n` rows, as the writer would have stored them. */
function chain(n: number): ChainRow[] {
  const rows: ChainRow[] = [];
  let previous: Buffer = GENESIS_HASH;
  for (let i = 1; i <= n; i++) {
    const row: ChainRow = {
      seq: String(i),
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      action: 'widget.updated',
      actor_type: 'user',
      actor_id: 'u1',
      resource_type: 'widget',
      resource_id: `w${i}`,
      changes: { n: { to: i } },
      request_id: null,
      occurred_at: new Date(Date.UTC(2026, 10, 23, 10, 0, 0, i)),
      prev_hash: previous,
      hash: null,
    };
    row.hash = chainHash(previous, contentOf(TENANT, row));
    previous = row.hash;
    rows.push(row);
  }
  return rows;
}

function run(rows: ChainRow[], checkpoints = new Map<string, { hash: string; signedAt: string }>()) {
  const verifier = new ChainVerifier(TENANT, 1n, GENESIS_HASH, checkpoints);
  for (const row of rows) if (!verifier.push(row)) break;
  return verifier;
}

describe('ChainVerifier', () => {
  it('accepts an intact chain and reports how far it got', () => {
    const verifier = run(chain(5));
    expect(verifier.result).toBeUndefined();
    expect(verifier.checked).toBe(5);
    expect(verifier.lastSeq).toBe(5n);
  });

  it('reports an edited row as CONTENT_MISMATCH at that row', () => {
    const rows = chain(5);
    rows[2] = { ...rows[2]!, changes: { n: { to: 99 } } };
    expect(run(rows).result).toMatchObject({ seq: 3n, reason: ChainBreakReason.CONTENT_MISMATCH });
  });

  it('reports a row of another tenant (same bytes otherwise) as CONTENT_MISMATCH', () => {
    const verifier = new ChainVerifier('00000000-0000-4000-8000-000000000000', 1n, GENESIS_HASH);
    verifier.push(chain(1)[0]!);
    expect(verifier.result).toMatchObject({ seq: 1n, reason: ChainBreakReason.CONTENT_MISMATCH });
  });

  it('reports a deleted row as a GAP at the missing number', () => {
    const rows = chain(5);
    rows.splice(1, 1);
    expect(run(rows).result).toMatchObject({ seq: 2n, reason: ChainBreakReason.GAP });
  });

  it('reports an edited and re-hashed row as a FORK at its successor', () => {
    const rows = chain(5);
    const edited = { ...rows[1]!, resource_id: 'forged' };
    edited.hash = chainHash(edited.prev_hash!, contentOf(TENANT, edited));
    rows[1] = edited;
    expect(run(rows).result).toMatchObject({ seq: 3n, reason: ChainBreakReason.FORK });
  });

  it('reports a chain that does not start at the genesis hash as a FORK at its first event', () => {
    const rows = chain(2);
    const verifier = new ChainVerifier(TENANT, 1n, Buffer.alloc(32, 1));
    verifier.push(rows[0]!);
    expect(verifier.result).toMatchObject({ seq: 1n, reason: ChainBreakReason.FORK });
  });

  it('reports disagreement with a signed checkpoint as CHECKPOINT_MISMATCH at its number', () => {
    const rows = chain(4);
    const checkpoints = new Map([['3', { hash: 'ff'.repeat(32), signedAt: '2026-11-23T10:00:00.000Z' }]]);
    expect(run(rows, checkpoints).result).toMatchObject({ seq: 3n, reason: ChainBreakReason.CHECKPOINT_MISMATCH });
    const agreeing = new Map([['3', { hash: rows[2]!.hash!.toString('hex'), signedAt: '2026-11-23T10:00:00.000Z' }]]);
    expect(run(rows, agreeing).result).toBeUndefined();
  });

  it('stops at the first break', () => {
    const rows = chain(6);
    rows.splice(4, 1);
    rows[1] = { ...rows[1]!, action: 'widget.deleted' };
    const verifier = run(rows);
    expect(verifier.result).toMatchObject({ seq: 2n, reason: ChainBreakReason.CONTENT_MISMATCH });
    expect(verifier.checked).toBe(1);
  });
});
