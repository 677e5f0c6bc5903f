import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { TenantContext } from '../context';
import { Tenant } from '../tenant/tenant.type';
import type { DomainRow } from './domain.service';
import { TenantDomain } from './domain.type';
import { challengeName, challengeValue } from './domain.validation';

export function toTenantDomain(row: DomainRow): TenantDomain {
  return Object.assign(new TenantDomain(), {
    domain: row.domain,
    verified: row.verified_at !== null,
    verifiedAt: row.verified_at,
    verificationRecordName: challengeName(row.domain),
    verificationRecordValue: challengeValue(row.verification_token),
    createdAt: row.created_at,
  });
}

@Resolver(() => Tenant)
export class DomainResolver {
  @FieldResolver(() => [TenantDomain], { description: 'Custom domains (admins and platform staff)' })
  async domains(@Root() tenant: Tenant, @Ctx() ctx: TenantContext): Promise<TenantDomain[]> {
    return (await ctx.domainsByTenant.load(tenant.id)).map(toTenantDomain);
  }

  @Mutation(() => TenantDomain, { description: 'Admin or owner, plans with custom_domains: claim a domain (then prove it with DNS)' })
  async addTenantDomain(@Arg('domain', () => String) domain: string, @Ctx() ctx: TenantContext): Promise<TenantDomain> {
    return toTenantDomain(await ctx.domains.add(domain, ctx));
  }

  @Mutation(() => TenantDomain, { description: 'Admin or owner: check the TXT record and mark the domain verified' })
  async verifyTenantDomain(@Arg('domain', () => String) domain: string, @Ctx() ctx: TenantContext): Promise<TenantDomain> {
    return toTenantDomain(await ctx.domains.verify(domain, ctx));
  }

  @Mutation(() => Boolean, { description: 'Admin or owner: release a domain' })
  async removeTenantDomain(@Arg('domain', () => String) domain: string, @Ctx() ctx: TenantContext): Promise<boolean> {
    return ctx.domains.remove(domain, ctx);
  }
}
