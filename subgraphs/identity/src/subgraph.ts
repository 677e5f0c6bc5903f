import type { Logger } from '@tenantry/logging';
import { importSigningKey } from '@tenantry/auth';
import { runSubgraph, type SubgraphHandle } from '@tenantry/federation';
import { createDataSource } from '@tenantry/tenancy';
import type { IdentitySubgraphConfig } from './config';
import { createIdentityContext } from './context';
import { jwksRoute } from './jwks/jwks.route';
import { MembershipEntity } from './membership/membership.entity';
import { identitySubgraphDefinition } from './schema';
import { UserEntity } from './user/user.entity';

export async function startIdentitySubgraph(
  config: IdentitySubgraphConfig,
  port = config.IDENTITY_PORT,
  logger?: Logger,
): Promise<SubgraphHandle> {
  const signingKey = await importSigningKey(config.ACCESS_TOKEN_SIGNING_KEY);
  const dataSource = createDataSource({
    url: config.DATABASE_URL,
    poolSize: config.DATABASE_POOL_SIZE,
    entities: [UserEntity, MembershipEntity],
    applicationName: 'tenantry-identity',
  });
  return runSubgraph(
    {
      name: 'identity',
      dataSource,
      definition: identitySubgraphDefinition,
      createContext: createIdentityContext,
      extraRoutes: jwksRoute([signingKey]),
    },
    config,
    port,
    logger,
  );
}
