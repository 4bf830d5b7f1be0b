import { pino, type Logger } from 'pino';

export type { Logger };

/** Paths pino blanks in every log line, so that no token or cookie is ever written out. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-authorization"]',
  'req.headers.cookie',
  'headers.authorization',
  'headers["x-authorization"]',
  'headers.cookie',
  'token',
  '*.token',
  'access_token',
  '*.access_token',
];

/** One root logger per service; LOG_LEVEL sets the level (default info, `silent` in tests). */
export function createLogger(service: string): Logger {
  return pino({
    name: service,
    level: process.env.LOG_LEVEL ?? 'info',
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    base: { service },
  });
}
