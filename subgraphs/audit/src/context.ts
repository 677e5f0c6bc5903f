import type { DataSource } from 'typeorm';
import type { BaseSubgraphContext } from '@tenantry/federation';
import { RequestDatabase } from '@tenantry/tenancy';
import { AuditChainService } from './audit-chain/audit-chain.service';
import { AuditCheckpointService } from './audit-checkpoint/audit-checkpoint.service';
import { AuditExportService } from './audit-export/audit-export.service';
import { AuditEventService } from './audit-event/audit-event.service';
import type { AuditSigningService } from './audit-signing/audit-signing.service';

export interface AuditContext extends BaseSubgraphContext {
  auditEvents: AuditEventService;
  auditChain: AuditChainService;
  auditCheckpoints: AuditCheckpointService;
  auditExports: AuditExportService;
  auditSigning: AuditSigningService;
  /** The platform's own trail (rules allow it to platform staff only). */
  platformAudit: {
    events: AuditEventService;
    chain: AuditChainService;
    checkpoints: AuditCheckpointService;
    exports: AuditExportService;
  };
}

export function createAuditContext(base: BaseSubgraphContext, dataSource: DataSource, signing: AuditSigningService): AuditContext {
  const db = new RequestDatabase(dataSource, base.tenantId);
  return {
    // Read once per request, on demand, by the hasFeature rule (audit_logs).
    features: () => db.features(),
    ...base,
    auditEvents: new AuditEventService(db),
    auditChain: new AuditChainService(db, signing),
    auditCheckpoints: new AuditCheckpointService(db, signing),
    auditExports: new AuditExportService(db, signing),
    auditSigning: signing,
    platformAudit: {
      events: new AuditEventService(db, 'platform'),
      chain: new AuditChainService(db, signing, 'platform'),
      checkpoints: new AuditCheckpointService(db, signing, 'platform'),
      exports: new AuditExportService(db, signing, 'platform'),
    },
  };
}
