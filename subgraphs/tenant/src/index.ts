import 'reflect-metadata';

export { loadTenantSubgraphConfig, type TenantSubgraphConfig } from './config';
export { startTenantSubgraph, type TenantSubgraphDependencies } from './subgraph';
export { tenantSubgraphDefinition } from './schema';
export { expireTrials, type ExpiredTrial } from './tenant/trial-expiry';
export { MasterKeyring, masterKeyFromBase64 } from './setting/envelope';
export { rewrapDataKeys, type RewrapReport } from './setting/data-key';
export { keyringFromConfig } from './setting/keyring';
export { TenantService, type Actor as TenantActor } from './tenant/tenant.service';
export { purgeTenant } from './tenant/tenant-purge';
export { exportTenant } from './tenant/tenant-export';
export { TenantEntity } from './tenant/tenant.entity';
export { mapTenantErrors } from './errors';
export { ApiClientService, type ApiClientRow, type PublicationResult } from './api-client/api-client.service';
export { PQ_MODES, type PqMode } from './api-client/api-client.manifest';
