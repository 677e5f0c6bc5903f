import type { RequestDatabase } from '@tenantry/tenancy';
import { normaliseEmail } from '../user/user.service';
import { MailEntity } from './mail.entity';

export class MailboxService {
  constructor(
    private readonly db: RequestDatabase,
    private readonly enabled: boolean,
  ) {}

  get isEnabled(): boolean {
    return this.enabled;
  }

  /** Newest first: what was "sent" to one address. */
  read(recipient: string, limit: number): Promise<MailEntity[]> {
    return this.db.platform((m) =>
      m.find(MailEntity, { where: { recipient: normaliseEmail(recipient) }, order: { createdAt: 'DESC', id: 'ASC' }, take: limit }),
    );
  }
}
