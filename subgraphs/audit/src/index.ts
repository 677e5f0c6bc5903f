import 'reflect-metadata';

export { loadAuditSubgraphConfig, type AuditSubgraphConfig } from './config';
export { startAuditSubgraph } from './subgraph';
export { auditSubgraphDefinition } from './schema';
export { AuditSigningService } from './audit-signing/audit-signing.service';
export { checkpointMovedChains } from './audit-checkpoint/audit-checkpoint.job';
export { checkpointHead, PLATFORM_CHAIN_ID } from './audit-checkpoint/audit-checkpoint.service';
export { ChainVerifier, ChainBreakReason, verifyChain, CHAIN_ROW_COLUMNS, type ChainRow } from './audit-chain/audit-chain.service';
export { purgeExpiredAuditEvents, purgeExpiredPlatformAuditEvents, type PurgeOutcome } from './audit-retention/audit-retention.job';
export { AuditChainDomainError, AuditChainErrorCode } from './audit-chain/audit-chain.errors';
