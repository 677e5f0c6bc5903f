import type DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import type { BaseSubgraphContext } from '@tenantry/federation';
import { RequestDatabase } from '@tenantry/tenancy';
import { MembershipService } from './membership/membership.service';
import type { UserEntity } from './user/user.entity';
import { createUserLoader } from './user/user.loader';
import { UserService } from './user/user.service';

export interface IdentityContext extends BaseSubgraphContext {
  users: UserService;
  memberships: MembershipService;
  userById: DataLoader<string, UserEntity | null>;
}

export function createIdentityContext(base: BaseSubgraphContext, dataSource: DataSource): IdentityContext {
  const db = new RequestDatabase(dataSource, base.tenantId);
  return {
    ...base,
    users: new UserService(db),
    memberships: new MembershipService(db),
    userById: createUserLoader(db),
  };
}
