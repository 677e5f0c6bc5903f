import type { SubgraphDefinition } from '@tenantry/federation';
import { AccountResolver } from './account/account.resolver';
import { ApiKeyResolver } from './api-key/api-key.resolver';
import { CredentialResolver } from './credential/credential.resolver';
import { mapIdentityErrors } from './errors';
import { InvitationResolver } from './invitation/invitation.resolver';
import { MailResolver } from './mail/mail.resolver';
import { MembershipResolver } from './membership/membership.resolver';
import { MfaResolver } from './mfa/mfa.resolver';
import { SessionResolver } from './session/session.resolver';
import { resolveUserReference } from './user/user.reference';
import { UserResolver } from './user/user.resolver';

export const identitySubgraphDefinition: SubgraphDefinition = {
  resolvers: [
    UserResolver,
    MembershipResolver,
    AccountResolver,
    SessionResolver,
    MailResolver,
    InvitationResolver,
    ApiKeyResolver,
    CredentialResolver,
    MfaResolver,
  ],
  references: { User: { __resolveReference: resolveUserReference } },
  mapError: mapIdentityErrors,
};
