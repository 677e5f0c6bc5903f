import 'reflect-metadata';

export { loadUsageSubgraphConfig, type UsageSubgraphConfig } from './config';
export { startUsageSubgraph } from './subgraph';
export { usageSubgraphDefinition } from './schema';
