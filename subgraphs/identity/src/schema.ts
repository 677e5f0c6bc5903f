import type { SubgraphDefinition } from '@tenantry/federation';
import { mapIdentityErrors } from './errors';
import { MembershipResolver } from './membership/membership.resolver';
import { identityRules } from './permissions';
import { resolveUserReference } from './user/user.reference';
import { UserResolver } from './user/user.resolver';

export const identitySubgraphDefinition: SubgraphDefinition = {
  resolvers: [UserResolver, MembershipResolver],
  references: { User: { __resolveReference: resolveUserReference } },
  rules: identityRules,
  mapError: mapIdentityErrors,
};
