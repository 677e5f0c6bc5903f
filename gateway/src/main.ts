import cluster from 'node:cluster';
import { runMain } from '@tenantry/federation';
import { createLogger } from '@tenantry/logging';
import { loadGatewayConfig } from './config';
import { startGateway } from './gateway';
import { superviseWorkers } from './workers';

runMain('gateway', async () => {
  const config = loadGatewayConfig(process.env);
  if (config.GATEWAY_WORKERS > 1 && cluster.isPrimary) {
    return superviseWorkers(config.GATEWAY_WORKERS, createLogger('gateway', config.LOG_LEVEL));
  }
  return startGateway(config);
});
