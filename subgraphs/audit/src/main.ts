import 'reflect-metadata';
import { runMain } from '@tenantry/federation';
import { loadAuditSubgraphConfig } from './config';
import { startAuditSubgraph } from './subgraph';

runMain('audit-subgraph', () => startAuditSubgraph(loadAuditSubgraphConfig(process.env)));
