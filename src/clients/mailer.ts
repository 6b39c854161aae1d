import nodemailer, { type Transporter } from 'nodemailer';
import type { Config } from '../config';

export type Mailer = Transporter;

/** SMTP transport; nothing connects until the first send. */
export function createMailer(config: Config['mail']): Mailer {
  return nodemailer.createTransport({
    host: config.host,
    port: config.port,
    secure: config.secure,
    auth: config.user ? { user: config.user, pass: config.password } : undefined,
    // Local catchers have no TLS; production SMTP negotiates STARTTLS when offered.
    ignoreTLS: !config.secure && !config.user,
    connectionTimeout: 5000,
    greetingTimeout: 5000,
    socketTimeout: 10000,
  });
}
