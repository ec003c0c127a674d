import { createRequire } from 'node:module'
import type PinoPretty from 'pino-pretty'
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino'

// Loaded only for a terminal: a service's JSON logs never need it, and its start does not pay for it.
const loadPretty = () => createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty

/**
 * Paths that may hold a credential or a secret anywhere we log an object. Handlers never log
 * secrets on purpose; this is the net under that rule.
 */
export const REDACT_PATHS = [
  'req.headers["x-api-key"]', 'req.headers.authorization', 'req.headers.cookie',
  'headers["x-api-key"]', 'headers.authorization',
  '*.secret', '*.webhookSecret', '*.webhook_secret', '*.retainedSecrets', '*.heldSecret', '*.held_secret',
  '*.privateKey', '*.private_key', '*.signingKeys',
  '*.apiKey', '*.token', '*.password', '*.pepper', '*.API_KEY_PEPPER', '*.SECRET_ENCRYPTION_KEYS',
  'secret', 'webhookSecret', 'privateKey', 'apiKey', 'token', 'password',
]

const OPTIONS = (level: string): LoggerOptions => ({ level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } })

/**
 * JSON to `destination` or stdout; pretty output only for a person at a terminal. Pretty is a
 * synchronous stream in this thread, not a worker transport: a transport could lose the last lines
 * ("stopped") when the process exits right after writing them.
 */
export function createLogger (level: string, destination?: DestinationStream): Logger {
  if (destination) return pino(OPTIONS(level), destination)
  if (process.stdout.isTTY && level !== 'silent') {
    return pino(OPTIONS(level), loadPretty()({ translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', sync: true }))
  }
  return pino(OPTIONS(level))
}
