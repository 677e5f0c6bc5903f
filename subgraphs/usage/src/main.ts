import 'reflect-metadata';
import { runMain } from '@tenantry/federation';
import { loadUsageSubgraphConfig } from './config';
import { startUsageSubgraph } from './subgraph';

runMain('usage-subgraph', () => startUsageSubgraph(loadUsageSubgraphConfig(process.env)));
