import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { principalId, type Principal } from '@tenantry/auth';
import { auditSecurityEvents } from '@tenantry/metrics';
import { PLATFORM_SCHEMA, isTenantId, withPlatform, withTenantAsPlatform } from '@tenantry/tenancy';
import { appendAuditEvent, appendPlatformAuditEvent } from './index';

/** What a security event may carry besides its actor: short facts, never a secret. */
export type SecurityEventDetails = Record<string, string | number | boolean | null>;

/**
 * Something refused that a tenant's or the platform's auditors should see: a denied
 * operation, a failed sign-in. Nothing changed, so `changes` of the stored event holds these
 * details (ADR 0022).
 */
export interface SecurityEvent {
  /** Stable dotted name: `authz.denied`, `auth.sign_in_failed`, `auth.refresh_token_reused`… */
  action: string;
  actor: Principal;
  /** The tenant chain receives the event when set (and provisioned); the platform chain otherwise. */
  tenantId?: string | undefined;
  resourceType: string;
  resourceId: string;
  details: SecurityEventDetails;
  requestId?: string | undefined;
  /** Told apart in the flood bound when the actor is anonymous (the client's address). */
  clientIp?: string | undefined;
}

export type SecurityEventOutcome = 'written' | 'coalesced' | 'dropped' | 'failed';

export interface SecurityAuditLimits {
  /** Length of one counting window (ms). */
  windowMs: number;
  /** Events this process writes per window, all keys together; more are dropped (counted). */
  maxPerWindow: number;
  /** Distinct keys remembered per window; past it, new keys are dropped (counted). */
  maxKeys: number;
}

export const DEFAULT_SECURITY_AUDIT_LIMITS: SecurityAuditLimits = { windowMs: 60_000, maxPerWindow: 600, maxKeys: 10_000 };

interface Logger {
  warn: (obj: object, msg: string) => void;
}

/**
 * Records security events, each in its own transaction (the refused request writes nothing
 * else and its answer does not depend on this one: failures are logged and counted, never
 * thrown). Bounded so that a flood of refusals cannot become a flood of writes:
 *
 * - one event per (chain, action, actor — or client address when anonymous —, resource) per
 *   window; repeats in the window are coalesced: counted, and the next event written for that
 *   key carries `coalesced: N`;
 * - at most `maxPerWindow` writes per window per process, and `maxKeys` keys remembered;
 *   beyond either, events are dropped.
 *
 * Every outcome is counted in `tenantry_audit_security_events_total{action, outcome}`.
 */
export class SecurityAuditRecorder {
  private window = -1;
  private written = 0;
  private readonly seen = new Set<string>();
  /** Repeats not yet reported, by key; survives window changes (bounded by maxKeys). */
  private readonly pending = new Map<string, number>();
  /** Whether a tenant has a trail to write to, remembered for one window (bounded by maxKeys). */
  private readonly provisionedTenants = new Map<string, { provisioned: boolean; window: number }>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly log?: Logger,
    private readonly limits: SecurityAuditLimits = DEFAULT_SECURITY_AUDIT_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Decides (synchronously, so concurrent refusals coalesce) and writes when the bound allows. */
  async record(event: SecurityEvent): Promise<SecurityEventOutcome> {
    const decision = this.admit(event);
    if (decision.outcome !== 'write') {
      auditSecurityEvents.inc({ action: event.action, outcome: decision.outcome });
      return decision.outcome;
    }
    const details = decision.coalesced > 0 ? { ...event.details, coalesced: decision.coalesced } : event.details;
    try {
      await this.write({ ...event, details });
      auditSecurityEvents.inc({ action: event.action, outcome: 'written' });
      return 'written';
    } catch (error) {
      auditSecurityEvents.inc({ action: event.action, outcome: 'failed' });
      this.log?.warn(
        { err: error, action: event.action, tenantId: event.tenantId, requestId: event.requestId },
        'security audit event not written',
      );
      return 'failed';
    }
  }

  private admit(event: SecurityEvent): { outcome: 'write'; coalesced: number } | { outcome: 'coalesced' | 'dropped' } {
    const window = Math.floor(this.now() / this.limits.windowMs);
    if (window !== this.window) {
      this.window = window;
      this.written = 0;
      this.seen.clear();
    }
    const actor = principalId(event.actor) ?? `ip:${event.clientIp ?? 'unknown'}`;
    const key = [event.tenantId ?? 'platform', event.action, actor, event.resourceType, event.resourceId].join('\u0000');
    if (this.seen.has(key)) {
      this.pending.set(key, (this.pending.get(key) ?? 0) + 1);
      return { outcome: 'coalesced' };
    }
    if (this.written >= this.limits.maxPerWindow || this.seen.size >= this.limits.maxKeys) {
      if (this.pending.has(key) || this.pending.size < this.limits.maxKeys) this.pending.set(key, (this.pending.get(key) ?? 0) + 1);
      return { outcome: 'dropped' };
    }
    this.seen.add(key);
    this.written++;
    const coalesced = this.pending.get(key) ?? 0;
    this.pending.delete(key);
    return { outcome: 'write', coalesced };
  }

  private async write(event: SecurityEvent): Promise<void> {
    const input = {
      action: event.action,
      actor: event.actor,
      resourceType: event.resourceType,
      resourceId: event.resourceId,
      // Security events change nothing: their `changes` holds what happened (ADR 0022).
      changes: event.details as never,
      ...(event.requestId ? { requestId: event.requestId } : {}),
    };
    const tenantId = event.tenantId && isTenantId(event.tenantId) ? event.tenantId : undefined;
    if (tenantId && (await this.provisioned(tenantId))) {
      // As the login role: a suspended tenant's trail still records who knocked.
      await withTenantAsPlatform(this.dataSource, tenantId, (m) => appendAuditEvent(m, input));
      return;
    }
    // No such tenant (or none named): the platform chain, naming the tenant when it is an id.
    await withPlatform(this.dataSource, (m) => appendPlatformAuditEvent(m, { ...input, ...(tenantId ? { tenantId } : {}) }));
  }

  private async provisioned(tenantId: string): Promise<boolean> {
    const known = this.provisionedTenants.get(tenantId);
    if (known && known.window === this.window) return known.provisioned;
    const rows = (await withPlatform(this.dataSource, (m) =>
      m.query(`SELECT 1 FROM ${PLATFORM_SCHEMA}.tenants WHERE id = $1 AND status <> 'purged'`, [tenantId]),
    )) as unknown[];
    if (this.provisionedTenants.size >= this.limits.maxKeys) this.provisionedTenants.clear();
    this.provisionedTenants.set(tenantId, { provisioned: rows.length > 0, window: this.window });
    return rows.length > 0;
  }
}

/**
 * How a security event names an email address without storing it: a sha256 pseudonym (the
 * same address always maps to the same value, so staff can correlate attempts and check a
 * known address) and a redacted form (`j***@example.com`). Neither reveals whether an account exists.
 */
export function emailPseudonym(email: string): { emailHash: string; emailRedacted: string } {
  const normalised = email.trim().toLowerCase();
  const at = normalised.lastIndexOf('@');
  const local = at > 0 ? normalised.slice(0, at) : normalised;
  const domain = at > 0 ? normalised.slice(at + 1).slice(0, 253) : '';
  return {
    emailHash: createHash('sha256').update(`tenantry-email:${normalised}`).digest('hex'),
    emailRedacted: `${local.slice(0, 1)}***${domain ? `@${domain}` : ''}`,
  };
}
