import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';
import { ErrorCode, ForbiddenError, TenantryError, httpStatusFor } from '@tenantry/errors';
import { isTenantId } from '@tenantry/tenancy';
import { TenantDirectoryUnavailableError, type LookUpTenant, type TenantAddress } from './tenant-directory';

/** The headers a request may name its tenant with, in the order they are tried. */
export type TenantSource = 'X-Tenant-Id' | 'X-Tenant-Slug' | 'Host';

/** Which Host names carry a tenant (ADR 0018). */
export interface HostRules {
  /** `<slug>.<baseDomain>` names the tenant with that slug; unset turns subdomains off. */
  baseDomain?: string | undefined;
  /** Whether any other host name is looked up as a verified custom domain. */
  customDomains: boolean;
  /** Host names that are the gateway's own (an API host, say): they name no tenant. */
  publicHosts: ReadonlySet<string>;
}

export interface TenantResolution {
  hosts: HostRules;
  lookUp: LookUpTenant;
}

/** What one header says, before anything is looked up. */
export type TenantClaim = { source: TenantSource; tenantId: string } | { source: TenantSource; address: TenantAddress };

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/**
 * Reads what a request's headers say about its tenant, without asking anyone. A malformed
 * X-Tenant-Id is FORBIDDEN (as it always was); a malformed slug or subdomain answers exactly as
 * an unknown one, so its shape tells a caller nothing more.
 */
export function tenantClaims(headers: IncomingHttpHeaders, hosts: HostRules): TenantClaim[] {
  const claims: TenantClaim[] = [];
  const id = headers['x-tenant-id'];
  if (id !== undefined) {
    if (!isTenantId(id)) throw withStatus(new ForbiddenError('X-Tenant-Id must be a tenant id', { header: 'X-Tenant-Id' }));
    claims.push({ source: 'X-Tenant-Id', tenantId: id });
  }
  const slug = headers['x-tenant-slug'];
  if (slug !== undefined) {
    if (typeof slug !== 'string' || !SLUG.test(slug)) throw noTenantAt('X-Tenant-Slug');
    claims.push({ source: 'X-Tenant-Slug', address: { slug } });
  }
  const host = hostName(headers.host);
  const address = host === undefined ? undefined : hostAddress(host, hosts);
  if (address) claims.push({ source: 'Host', address });
  return claims;
}

/** The host name without port or trailing dot, lower-case; undefined for IP literals and junk. */
export function hostName(header: string | undefined): string | undefined {
  if (!header || header.startsWith('[')) return undefined;
  const name = header
    .replace(/:\d{1,5}$/, '')
    .replace(/\.$/, '')
    .toLowerCase();
  if (isIP(name) !== 0) return undefined;
  return name;
}

function hostAddress(host: string, hosts: HostRules): TenantAddress | undefined {
  if (hosts.publicHosts.has(host)) return undefined;
  const base = hosts.baseDomain;
  if (base && host !== base && host.endsWith(`.${base}`)) {
    const label = host.slice(0, -base.length - 1);
    if (!SLUG.test(label)) throw noTenantAt('Host');
    return { slug: label };
  }
  if (base && host === base) return undefined;
  // Single-label names (localhost) and anything not shaped like a domain are never a tenant's.
  if (hosts.customDomains && HOSTNAME.test(host)) return { domain: host };
  return undefined;
}

/**
 * The request's tenant. `authority` is the tenant of the access token or API key: it wins, and
 * every header present must name the same tenant or the request is FORBIDDEN, naming the
 * header. Without one, the headers choose, and two that name different tenants are FORBIDDEN.
 * A slug or domain that names no tenant is NOT_FOUND. Lookups come from a cache on a hit.
 */
export async function resolveTenant(
  claims: readonly TenantClaim[],
  authority: { tenantId: string; credential: 'access token' | 'API key' } | undefined,
  lookUp: LookUpTenant,
  requestId: string,
): Promise<string | undefined> {
  const named = await Promise.all(
    claims.map(async (claim) => {
      if ('tenantId' in claim) return { source: claim.source, tenantId: claim.tenantId };
      let tenantId: string | null;
      try {
        tenantId = await lookUp(claim.address, requestId);
      } catch (error) {
        if (error instanceof TenantDirectoryUnavailableError) throw unavailable();
        throw error;
      }
      if (!tenantId) throw noTenantAt(claim.source);
      return { source: claim.source, tenantId };
    }),
  );
  if (authority) {
    const stranger = named.find((n) => n.tenantId !== authority.tenantId);
    if (stranger) {
      throw withStatus(
        new ForbiddenError(`${stranger.source} does not match the tenant of the ${authority.credential}`, { header: stranger.source }),
      );
    }
    return authority.tenantId;
  }
  const [first, ...rest] = named;
  const other = rest.find((n) => n.tenantId !== first!.tenantId);
  if (other) {
    throw withStatus(
      new ForbiddenError(`${first!.source} and ${other.source} name different tenants`, {
        header: other.source,
        headers: [first!.source, other.source],
      }),
    );
  }
  return first?.tenantId;
}

/** One answer for unknown, malformed, unverified and purged alike (ADR 0018). */
function noTenantAt(source: TenantSource): TenantryError {
  return withStatus(new TenantryError(ErrorCode.NOT_FOUND, `No tenant at this ${source === 'Host' ? 'host' : source}`, { header: source }));
}

function unavailable(): TenantryError {
  const error = new TenantryError(ErrorCode.INTERNAL_SERVER_ERROR, 'Tenant resolution is unavailable; try again');
  (error.extensions as Record<string, unknown>).http = { status: 503 };
  return error;
}

export function withStatus(error: TenantryError): TenantryError {
  const code = error.extensions.code as ErrorCode;
  (error.extensions as Record<string, unknown>).http = { status: httpStatusFor(code) };
  return error;
}
