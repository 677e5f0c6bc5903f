import 'reflect-metadata';
import { runMain } from '@tenantry/federation';
import { loadIdentitySubgraphConfig } from './config';
import { startIdentitySubgraph } from './subgraph';

runMain('identity-subgraph', () => startIdentitySubgraph(loadIdentitySubgraphConfig(process.env)));
