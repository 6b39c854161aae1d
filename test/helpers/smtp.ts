import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { waitFor } from './wait-for';

/**
 * A real SMTP server in the test process that keeps every mail it receives.
 * `start(port)` can reuse a port, to bring the "mail provider" back after an outage.
 */
export class CapturingSmtp {
  readonly mails: ParsedMail[] = [];
  private server: SMTPServer | undefined;
  port = 0;

  async start(port = 0): Promise<number> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, _session, callback) => {
        simpleParser(stream)
          .then((mail) => {
            this.mails.push(mail);
            callback();
          })
          .catch(callback);
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.server.address() as AddressInfo).port;
    return this.port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Waits for a mail to `to` whose subject matches, and returns it. */
  waitForMail(to: string, subject: RegExp, timeoutMs = 10_000): Promise<ParsedMail> {
    return waitFor(
      () =>
        this.mails.find(
          (m) => toAddresses(m).includes(to.toLowerCase()) && subject.test(m.subject ?? ''),
        ),
      { timeoutMs, what: `mail to ${to} matching ${subject}` },
    );
  }

  count(to: string, subject: RegExp): number {
    return this.mails.filter(
      (m) => toAddresses(m).includes(to.toLowerCase()) && subject.test(m.subject ?? ''),
    ).length;
  }
}

function toAddresses(mail: ParsedMail): string[] {
  const to = Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : [];
  return to.flatMap((a) => a.value.map((v) => (v.address ?? '').toLowerCase()));
}

/** The token of the first link in a mail's text whose path is `path`. */
export function tokenFromMail(mail: ParsedMail, path: string): string {
  const match = new RegExp(`https?://[^\\s"]+${path}\\?token=([A-Za-z0-9_%-]+)`).exec(
    mail.text ?? '',
  );
  if (!match) throw new Error(`no ${path} link in mail: ${mail.text}`);
  return decodeURIComponent(match[1]);
}
