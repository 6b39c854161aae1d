import pino, { type Logger } from 'pino';
import type { Config } from './config';

export type { Logger };

/** Structured JSON logs; secrets and personal data are redacted by path. */
export function createLogger(config: Pick<Config, 'log' | 'role'>): Logger {
  return pino({
    level: config.log.level,
    base: { service: 'rocket-mart', role: config.role },
    redact: {
      paths: [
        'password',
        '*.password',
        '*.newPassword',
        '*.currentPassword',
        '*.token',
        '*.refreshToken',
        'req.headers.authorization',
      ],
      censor: '[redacted]',
    },
  });
}
