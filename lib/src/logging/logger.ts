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

export interface LoggerOptions {
  /** Default: LOG_LEVEL, else info. */
  level?: string;
  /** Default: standard output. */
  destination?: NodeJS.WritableStream;
}

/** One root logger per service, with tokens and cookies redacted. */
export function createLogger(service: string, options: LoggerOptions = {}): Logger {
  const settings = {
    name: service,
    level: options.level ?? process.env.LOG_LEVEL ?? 'info',
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    base: { service },
  };
  return options.destination ? pino(settings, options.destination) : pino(settings);
}
