import type { DataSource } from 'typeorm';
import type { BaseSubgraphContext } from '@tenantry/federation';
import { RequestDatabase } from '@tenantry/tenancy';
import { AuditEventService } from './audit-event/audit-event.service';

export interface AuditContext extends BaseSubgraphContext {
  auditEvents: AuditEventService;
}

export function createAuditContext(base: BaseSubgraphContext, dataSource: DataSource): AuditContext {
  return { ...base, auditEvents: new AuditEventService(new RequestDatabase(dataSource, base.tenantId)) };
}
