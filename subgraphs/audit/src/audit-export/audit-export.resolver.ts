import { Arg, Ctx, Query, Resolver } from 'type-graphql';
import type { AuditContext } from '../context';
import { parseSequenceArg } from '../audit-chain/audit-chain.input';
import { toAuditChainVerification } from '../audit-chain/audit-chain.mapper';
import { AuditExportFormat, CONTENT_TYPES, MAX_EXPORT_EVENTS, type AuditExportResult } from './audit-export.service';
import { AuditExport } from './audit-export.type';

@Resolver(() => AuditExport)
export class AuditExportResolver {
  @Query(() => AuditExport, {
    description: `Events [from, to] (default: the whole chain, at most ${MAX_EXPORT_EVENTS}) as NDJSON or CSV with their proof`,
  })
  async exportAuditEvents(
    @Arg('from', () => String, { nullable: true }) from: string | undefined,
    @Arg('to', () => String, { nullable: true }) to: string | undefined,
    @Arg('format', () => AuditExportFormat, { defaultValue: AuditExportFormat.NDJSON }) format: AuditExportFormat,
    @Ctx() ctx: AuditContext,
  ): Promise<AuditExport> {
    return toAuditExport(await ctx.auditExports.export({ from: parseSequenceArg(from, 'from'), to: parseSequenceArg(to, 'to') }, format));
  }

  @Query(() => AuditExport, { description: "Events [from, to] of the platform's own chain as NDJSON or CSV with their proof" })
  async exportPlatformAuditEvents(
    @Arg('from', () => String, { nullable: true }) from: string | undefined,
    @Arg('to', () => String, { nullable: true }) to: string | undefined,
    @Arg('format', () => AuditExportFormat, { defaultValue: AuditExportFormat.NDJSON }) format: AuditExportFormat,
    @Ctx() ctx: AuditContext,
  ): Promise<AuditExport> {
    return toAuditExport(
      await ctx.platformAudit.exports.export({ from: parseSequenceArg(from, 'from'), to: parseSequenceArg(to, 'to') }, format),
    );
  }
}

function toAuditExport(result: AuditExportResult): AuditExport {
  return Object.assign(new AuditExport(), {
    format: result.format,
    contentType: CONTENT_TYPES[result.format],
    fromSequence: result.from.toString(),
    toSequence: result.to.toString(),
    eventCount: result.events,
    document: result.document,
    documentHash: result.documentHash,
    anchorHash: result.anchorHash,
    lastHash: result.lastHash,
    verification: toAuditChainVerification(result.verification),
    proof: result.proof,
  });
}
