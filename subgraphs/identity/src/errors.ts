import { AccountDomainError, toPublicAccountError } from './account/account.errors';
import { ApiKeyDomainError, toPublicApiKeyError } from './api-key/api-key.errors';
import { CredentialDomainError, toPublicCredentialError } from './credential/credential.errors';
import { InvitationDomainError, toPublicInvitationError } from './invitation/invitation.errors';
import { MfaDomainError, toPublicMfaError } from './mfa/mfa.errors';
import { MembershipDomainError, toPublicError } from './membership/membership.errors';
import { SessionDomainError, toPublicSessionError } from './session/session.errors';

/** Maps this subgraph's domain errors onto public codes (applied once, around every root field). */
export function mapIdentityErrors(error: unknown): Error | undefined {
  if (error instanceof MembershipDomainError) return toPublicError(error);
  if (error instanceof AccountDomainError) return toPublicAccountError(error);
  if (error instanceof InvitationDomainError) return toPublicInvitationError(error);
  if (error instanceof ApiKeyDomainError) return toPublicApiKeyError(error);
  if (error instanceof CredentialDomainError) return toPublicCredentialError(error);
  if (error instanceof MfaDomainError) return toPublicMfaError(error);
  if (error instanceof SessionDomainError) return toPublicSessionError(error);
  return undefined;
}
