import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';

export type MailTemplate = 'account_exists' | 'invitation' | 'verify_email' | 'reset_password';

export interface MailMessage {
  to: string;
  template: MailTemplate;
  subject: string;
  body: string;
}

/**
 * Sending mail is enqueueing it in the caller's transaction: a rolled-back change sends
 * nothing, a committed one cannot lose its mail. Delivery reads the outbox (no network here).
 */
export interface Mailer {
  send(manager: EntityManager, message: MailMessage): Promise<void>;
}

export class OutboxMailer implements Mailer {
  async send(manager: EntityManager, message: MailMessage): Promise<void> {
    await manager.query(`INSERT INTO platform.mail_outbox (id, recipient, template, subject, body) VALUES ($1, $2, $3, $4, $5)`, [
      randomUUID(),
      message.to.toLowerCase(),
      message.template,
      message.subject,
      message.body,
    ]);
  }
}
