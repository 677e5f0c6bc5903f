import type { Logger } from '@tenantry/logging';
import type { Caller } from './request-context';

export interface GatewayContext extends Caller {
  log: Logger;
  /** Signed once per request, sent on every subgraph fetch of that request. */
  contextToken: string;
}
