import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino'

/**
 * Paths that may hold a credential or a secret anywhere we log an object. Handlers never log
 * secrets on purpose; this is the net under that rule.
 */
export const REDACT_PATHS = [
  'req.headers["x-api-key"]', 'req.headers.authorization', 'req.headers.cookie',
  'headers["x-api-key"]', 'headers.authorization',
  '*.secret', '*.webhookSecret', '*.webhook_secret', '*.retainedSecrets', '*.heldSecret', '*.held_secret',
  '*.apiKey', '*.token', '*.password', '*.pepper', '*.API_KEY_PEPPER', '*.SECRET_ENCRYPTION_KEYS',
  'secret', 'webhookSecret', 'apiKey', 'token', 'password',
]

export function loggerOptions (level: string): LoggerOptions {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    // Pretty output only for a person at a terminal; JSON everywhere else.
    ...(process.stdout.isTTY && level !== 'silent'
      ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } } }
      : {}),
  }
}

export function createLogger (level: string, destination?: DestinationStream): Logger {
  if (destination) return pino({ level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, destination)
  return pino(loggerOptions(level))
}
