import 'reflect-metadata';
import { runMain } from '@tenantry/federation';
import { loadTenantSubgraphConfig } from './config';
import { startTenantSubgraph } from './subgraph';

runMain('tenant-subgraph', () => startTenantSubgraph(loadTenantSubgraphConfig(process.env)));
