import { ERROR_CATALOGUE, type ErrorCode } from './catalogue.js'
import { transientDatabaseError } from './dependency-errors.js'

export interface AppErrorOptions {
  /** Extra top-level problem members (RFC 9457 extensions). Never a secret. */
  extensions?: Record<string, unknown>
  headers?: Record<string, string>
  cause?: unknown
}

/** A refusal from the catalogue; domain code throws these and the HTTP layer renders them. */
export class AppError extends Error {
  readonly code: ErrorCode
  readonly status: number
  readonly title: string
  readonly extensions: Record<string, unknown>
  readonly headers: Record<string, string>

  constructor (code: ErrorCode, detail: string, options: AppErrorOptions = {}) {
    super(detail, { cause: options.cause })
    this.name = 'AppError'
    this.code = code
    this.status = ERROR_CATALOGUE[code].status
    this.title = ERROR_CATALOGUE[code].title
    this.extensions = options.extensions ?? {}
    this.headers = options.headers ?? {}
  }
}

export const DEPENDENCY_RETRY_AFTER_SECONDS = 30
// A busy row, a slow statement or a failover in progress clears in seconds: not an outage.
export const DATABASE_BUSY_RETRY_AFTER_SECONDS = 5

export function dependencyUnavailable (cause: unknown) {
  const transient = transientDatabaseError(cause)
  if (transient) {
    return new AppError('DEPENDENCY_UNAVAILABLE', `The database could not answer now: ${transient}. Nothing was changed; retry later.`, {
      headers: { 'retry-after': String(DATABASE_BUSY_RETRY_AFTER_SECONDS) },
      cause,
    })
  }
  return new AppError('DEPENDENCY_UNAVAILABLE', 'A service this API depends on is temporarily unavailable. Nothing was changed; retry later.', {
    headers: { 'retry-after': String(DEPENDENCY_RETRY_AFTER_SECONDS) },
    cause,
  })
}
