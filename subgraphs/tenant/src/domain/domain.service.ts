import { randomBytes } from 'node:crypto';
import { appendAuditEvent } from '@tenantry/audit-writer';
import { pgCode, type RequestDatabase } from '@tenantry/tenancy';
import type { Actor } from '../tenant/tenant.service';
import { DomainDomainError, DomainErrorCode } from './domain.errors';
import { challengeName, challengeValue, normaliseDomain } from './domain.validation';

/** What verification needs from DNS; `node:dns/promises` Resolver fits, tests point one at their own server. */
export interface DnsResolver {
  resolveTxt(hostname: string): Promise<string[][]>;
}

export interface DomainRow {
  domain: string;
  tenant_id: string;
  verification_token: string;
  verified_at: Date | null;
  created_at: Date;
}

const NO_RECORD = new Set(['ENOTFOUND', 'ENODATA', 'NXDOMAIN']);

export class DomainService {
  constructor(
    private readonly db: RequestDatabase,
    private readonly dns: DnsResolver,
  ) {}

  /** Domains of many tenants, in one query. */
  async of(tenantIds: readonly string[]): Promise<DomainRow[]> {
    return this.db.platform((m) =>
      m.query(`SELECT * FROM platform.tenant_domains WHERE tenant_id = ANY($1::uuid[]) ORDER BY domain`, [tenantIds]),
    );
  }

  /** Claims a domain for the request's tenant with a fresh verification token (a domain has one claimant). */
  async add(input: string, actor: Actor): Promise<DomainRow> {
    const domain = normaliseDomain(input);
    const token = randomBytes(24).toString('base64url');
    try {
      return await this.db.tenantWrite(async (manager) => {
        const [row] = (await manager.query(
          `INSERT INTO platform.tenant_domains (domain, tenant_id, verification_token) VALUES ($1, $2, $3) RETURNING *`,
          [domain, this.db.tenantId, token],
        )) as DomainRow[];
        await appendAuditEvent(manager, {
          action: 'tenant.domain_added',
          actor: actor.principal,
          resourceType: 'domain',
          resourceId: domain,
          requestId: actor.requestId,
        });
        return row!;
      });
    } catch (error) {
      if (pgCode(error) === '23505')
        throw new DomainDomainError(DomainErrorCode.DOMAIN_TAKEN, 'This domain is already claimed', { domain });
      throw error;
    }
  }

  /**
   * Looks the TXT record up (outside any transaction: DNS can be slow) and, when one of its
   * values is the challenge, marks the domain verified — re-checking under a lock that the
   * token did not change meanwhile.
   */
  async verify(input: string, actor: Actor): Promise<DomainRow> {
    const domain = normaliseDomain(input);
    const claim = await this.find(domain);
    if (claim.verified_at) return claim;
    const name = challengeName(domain);
    const expected = challengeValue(claim.verification_token);
    let values: string[];
    try {
      values = (await this.dns.resolveTxt(name)).map((chunks) => chunks.join(''));
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code && NO_RECORD.has(code)) values = [];
      else
        throw new DomainDomainError(DomainErrorCode.DNS_LOOKUP_FAILED, `Could not look up ${name}; try again later`, {
          domain,
          record: name,
        });
    }
    if (!values.includes(expected)) {
      throw new DomainDomainError(DomainErrorCode.TXT_RECORD_NOT_FOUND, `No TXT record ${name} with the expected value yet`, {
        domain,
        record: name,
      });
    }
    return this.db.tenantWrite(async (manager) => {
      const [rows] = (await manager.query(
        `UPDATE platform.tenant_domains SET verified_at = now() WHERE domain = $1 AND verification_token = $2 AND verified_at IS NULL RETURNING *`,
        [domain, claim.verification_token],
      )) as [DomainRow[], number];
      const row = rows[0];
      if (!row) throw new DomainDomainError(DomainErrorCode.DOMAIN_NOT_FOUND, 'Domain not found', { domain });
      await appendAuditEvent(manager, {
        action: 'tenant.domain_verified',
        actor: actor.principal,
        resourceType: 'domain',
        resourceId: domain,
        changes: { verified: { from: false, to: true } },
        requestId: actor.requestId,
      });
      return row;
    });
  }

  async remove(input: string, actor: Actor): Promise<boolean> {
    const domain = normaliseDomain(input);
    return this.db.tenantWrite(async (manager) => {
      const [, count] = (await manager.query(`DELETE FROM platform.tenant_domains WHERE domain = $1`, [domain])) as [unknown, number];
      if (count === 0) throw new DomainDomainError(DomainErrorCode.DOMAIN_NOT_FOUND, 'Domain not found', { domain });
      await appendAuditEvent(manager, {
        action: 'tenant.domain_removed',
        actor: actor.principal,
        resourceType: 'domain',
        resourceId: domain,
        requestId: actor.requestId,
      });
      return true;
    });
  }

  /** The request tenant's claim (RLS hides every other tenant's, so theirs is "not found"). */
  private async find(domain: string): Promise<DomainRow> {
    const [row] = (await this.db.tenant((m) =>
      m.query(`SELECT * FROM platform.tenant_domains WHERE domain = $1`, [domain]),
    )) as DomainRow[];
    if (!row) throw new DomainDomainError(DomainErrorCode.DOMAIN_NOT_FOUND, 'Domain not found', { domain });
    return row;
  }
}
