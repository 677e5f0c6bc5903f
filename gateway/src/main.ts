import { runMain } from '@tenantry/federation';
import { loadGatewayConfig } from './config';
import { startGateway } from './gateway';

runMain('gateway', () => startGateway(loadGatewayConfig(process.env)));
