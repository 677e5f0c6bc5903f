import 'reflect-metadata';

export { loadAuditSubgraphConfig, type AuditSubgraphConfig } from './config';
export { startAuditSubgraph } from './subgraph';
export { auditSubgraphDefinition } from './schema';
