import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { AuditChainVerification } from '../audit-chain/audit-chain.type';
import { AuditExportFormat } from './audit-export.service';

registerEnumType(AuditExportFormat, { name: 'AuditExportFormat' });

@ObjectType('AuditExport', { description: 'A range of the audit chain as a document, with the proof that it is the chain' })
export class AuditExport {
  @Field(() => AuditExportFormat)
  format!: AuditExportFormat;

  @Field(() => String)
  contentType!: string;

  @Field(() => String)
  fromSequence!: string;

  @Field(() => String)
  toSequence!: string;

  @Field(() => Int)
  eventCount!: number;

  @Field(() => String)
  document!: string;

  @Field(() => String, { description: 'sha256 of the document (UTF-8), hex' })
  documentHash!: string;

  @Field(() => String, { description: 'The hash the first exported event links to, hex' })
  anchorHash!: string;

  @Field(() => String, { description: 'The hash of the last exported event, hex' })
  lastHash!: string;

  @Field(() => AuditChainVerification, { description: 'The range verified when it was exported' })
  verification!: AuditChainVerification;

  @Field(() => String, { description: 'Compact JWS by the audit key over tenant, range, documentHash, anchorHash and lastHash' })
  proof!: string;
}
