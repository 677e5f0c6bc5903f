import { EventEmitter } from 'node:events';

export interface UsageAlert {
  tenantId: string;
  resource: string;
  periodStart: Date;
  threshold: number;
  used: number;
  limit: number;
  raisedAt: Date;
}

/**
 * Where threshold crossings are announced after they commit. In-process for now: other parts
 * of this process subscribe with onAlert (a Redis channel is the multi-replica step).
 */
export class UsageAlertBus {
  private readonly emitter = new EventEmitter();

  onAlert(listener: (alert: UsageAlert) => void): () => void {
    this.emitter.on('alert', listener);
    return () => this.emitter.off('alert', listener);
  }

  publish(alerts: UsageAlert[]): void {
    for (const alert of alerts) this.emitter.emit('alert', alert);
  }
}
