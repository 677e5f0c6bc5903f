import 'reflect-metadata';

export { loadIdentitySubgraphConfig, type IdentitySubgraphConfig } from './config';
export { startIdentitySubgraph } from './subgraph';
export { identitySubgraphDefinition } from './schema';
export { ensureUser, normaliseEmail } from './user/user.service';
export { MembershipEntity } from './membership/membership.entity';
export { addMembership } from './membership/membership.service';
