const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'ENOTCONN'])
// SQLSTATE classes 08 (connection exception), 57P0x (shutdown, cannot connect now), 53 (insufficient resources).
const PG_UNAVAILABLE = /^(08|57P0|53)/
// Postgres answered, but not in time: a lock wait past lock_timeout (55P03 lock_not_available) or a
// statement past statement_timeout (57014 query_canceled). The statement was cancelled, its
// transaction rolled back: nothing changed, and the same request can succeed once the holder is done.
const PG_TOO_SLOW = new Map([
  ['55P03', 'another transaction held a row this request needed for longer than the lock timeout'],
  ['57014', 'a statement ran longer than the statement timeout'],
])

const MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'Connection is closed',
  "Stream isn't writeable",
  'Reached the max retries per request limit',
  'Command timed out',
  'Cannot use a pool after calling end',
]

/** True when an error means Postgres or Redis did not answer, as opposed to a bug. */
export function isDependencyError (err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || PG_UNAVAILABLE.test(code) || PG_TOO_SLOW.has(code))) return true
    if (e.name === 'MaxRetriesPerRequestError') return true
    if (MESSAGES.some((m) => e instanceof Error && e.message.includes(m))) return true
    if (e instanceof AggregateError && e.errors.some(isDependencyError)) return true
  }
  return false
}

/** Why Postgres did not answer in time (a lock or statement timeout), or undefined for any other error. */
export function databaseTooSlow (err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code
    if (typeof code === 'string' && PG_TOO_SLOW.has(code)) return PG_TOO_SLOW.get(code)
  }
  return undefined
}
