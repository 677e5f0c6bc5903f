import Redis from 'ioredis';
import type { Logger } from '@tenantry/logging';
import type { UsageAlert, UsageAlertBus } from './usage-alert.bus';

/** The channel alerts go to: `<prefix>alerts`. Messages are UsageAlert as JSON (dates as ISO strings). */
export const usageAlertChannel = (prefix: string) => `${prefix}alerts`;

/**
 * Forwards every alert the bus announces (after its transaction committed) to Redis pub/sub,
 * so other processes and replicas can subscribe. Pub/sub is at-most-once: the stored
 * usage_alerts rows stay the record; a subscriber that was away reads them.
 */
export class RedisAlertPublisher {
  private readonly redis: Redis;
  private readonly unsubscribe: () => void;

  constructor(url: string, prefix: string, bus: UsageAlertBus, log?: Logger) {
    this.redis = new Redis(url, { maxRetriesPerRequest: 2 });
    this.redis.on('error', (error) => log?.warn({ err: error }, 'usage alert publisher: Redis error'));
    const channel = usageAlertChannel(prefix);
    this.unsubscribe = bus.onAlert((alert) => {
      this.redis.publish(channel, JSON.stringify(alert)).catch((error: unknown) => {
        log?.error({ err: error, tenantId: alert.tenantId, resource: alert.resource }, 'usage alert not published to Redis');
      });
    });
  }

  async close(): Promise<void> {
    this.unsubscribe();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** Subscribes to usage alerts from every usage-subgraph replica; resolves once subscribed. */
export async function subscribeUsageAlerts(
  url: string,
  prefix: string,
  listener: (alert: UsageAlert) => void,
): Promise<{ close: () => Promise<void> }> {
  const redis = new Redis(url);
  const channel = usageAlertChannel(prefix);
  // A broken connection or a foreign message on the channel must not take the subscriber's process down.
  redis.on('error', () => undefined);
  redis.on('message', (from: string, message: string) => {
    if (from !== channel) return;
    let raw: Omit<UsageAlert, 'periodStart' | 'raisedAt'> & { periodStart: string; raisedAt: string };
    try {
      raw = JSON.parse(message) as typeof raw;
    } catch {
      return;
    }
    listener({ ...raw, periodStart: new Date(raw.periodStart), raisedAt: new Date(raw.raisedAt) });
  });
  await redis.subscribe(channel);
  return { close: async () => void (await redis.quit().catch(() => redis.disconnect())) };
}
