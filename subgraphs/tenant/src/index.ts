import 'reflect-metadata';

export { loadTenantSubgraphConfig, type TenantSubgraphConfig } from './config';
export { startTenantSubgraph } from './subgraph';
export { tenantSubgraphDefinition } from './schema';
export { expireTrials, type ExpiredTrial } from './tenant/trial-expiry';
