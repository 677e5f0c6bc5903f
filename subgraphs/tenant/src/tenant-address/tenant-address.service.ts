import type { DataSource } from 'typeorm';
import { withPlatform } from '@tenantry/tenancy';

/** What the gateway may ask: a tenant by the slug it goes by, or by a custom domain it proved. */
export type TenantAddress = { slug: string } | { domain: string };

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** A well-formed address from an untrusted body, or undefined (which answers like an unknown one). */
export function parseTenantAddress(body: unknown): TenantAddress | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { slug, domain } = body as { slug?: unknown; domain?: unknown };
  if (typeof slug === 'string' && domain === undefined) return SLUG.test(slug) ? { slug } : undefined;
  if (typeof domain === 'string' && slug === undefined) return HOSTNAME.test(domain) ? { domain } : undefined;
  return undefined;
}

/**
 * The tenant id behind an address, or undefined. A purged tenant has no address any more; a
 * suspended or cancelled one still resolves, so its subgraphs answer as they do for it (read
 * only, TENANT_SUSPENDED, export only). A domain counts only while it is verified.
 */
export async function findTenantByAddress(dataSource: DataSource, address: TenantAddress): Promise<string | undefined> {
  const rows: { id: string }[] = await withPlatform(dataSource, (m) =>
    'slug' in address
      ? m.query(`SELECT id FROM platform.tenants WHERE slug = $1 AND status <> 'purged'`, [address.slug])
      : m.query(
          `SELECT t.id FROM platform.tenant_domains d JOIN platform.tenants t ON t.id = d.tenant_id
            WHERE d.domain = $1 AND d.verified_at IS NOT NULL AND t.status <> 'purged'`,
          [address.domain],
        ),
  );
  return rows[0]?.id;
}
