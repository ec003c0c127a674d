const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'ENOTCONN'])
// SQLSTATE classes 08 (connection exception), 57P0x (shutdown, cannot connect now), 53 (insufficient resources).
const PG_UNAVAILABLE = /^(08|57P0|53)/
// Postgres answered, but could not do it now: a lock wait past lock_timeout (55P03
// lock_not_available), a statement past statement_timeout (57014 query_canceled), or a server that
// is read-only (25006: a standby, reached through a proxy during a failover). The statement failed
// and its transaction rolled back: nothing changed, and the same request can succeed in seconds.
const PG_TRANSIENT = new Map([
  ['55P03', 'another transaction held a row this request needed for longer than the lock timeout'],
  ['57014', 'a statement ran longer than the statement timeout'],
  ['25006', 'the database server was read-only (a standby, during a failover)'],
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
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || PG_UNAVAILABLE.test(code) || PG_TRANSIENT.has(code))) return true
    if (e.name === 'MaxRetriesPerRequestError') return true
    if (MESSAGES.some((m) => e instanceof Error && e.message.includes(m))) return true
    if (e instanceof AggregateError && e.errors.some(isDependencyError)) return true
  }
  return false
}

/** Why Postgres could not do it now (a lock or statement timeout, read-only), or undefined for any other error. */
export function transientDatabaseError (err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code
    if (typeof code === 'string' && PG_TRANSIENT.has(code)) return PG_TRANSIENT.get(code)
  }
  return undefined
}
