import pg from 'pg'
import type { Logger } from 'pino'
import { parseEnv, type Config } from '../config/config.js'

export type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>

// timestamptz and bigint come back as strings we format ourselves; we never do date arithmetic
// in the process (Postgres now() decides every window).
pg.types.setTypeParser(pg.types.builtins.TIMESTAMPTZ, (v) => new Date(v))

/** The settings of the configuration every pool of a process is made with. */
export type DatabaseSettings = Pick<Config, 'DATABASE_STATEMENT_TIMEOUT_MS' | 'DATABASE_LOCK_TIMEOUT_MS'>

/** Pool options from the configuration: the statement and lock timeouts. */
export function databasePoolOptions (config: DatabaseSettings): pg.PoolConfig {
  return {
    statement_timeout: config.DATABASE_STATEMENT_TIMEOUT_MS,
    lock_timeout: config.DATABASE_LOCK_TIMEOUT_MS,
    // The client gives up a little after the server would have cancelled the statement.
    query_timeout: config.DATABASE_STATEMENT_TIMEOUT_MS + 5000,
  }
}

// Pools made without the configuration (admin CLI, tests' inspection pools) get its defaults.
const DEFAULT_SETTINGS = parseEnv({})

/** A pool with the default timeouts; a process' own pools pass databasePoolOptions(config). */
export function createPool (connectionString: string, log: Logger, options: pg.PoolConfig = {}) {
  const pool = new pg.Pool({
    connectionString,
    max: 10,
    connectionTimeoutMillis: 3000,
    idleTimeoutMillis: 30000,
    ...databasePoolOptions(DEFAULT_SETTINGS),
    ...options,
  })
  // A client losing its connection emits 'error'; with no listener that is an uncaught exception
  // and the process dies. pg-pool listens only while a client is idle, so every client gets its
  // own listener for its whole life, checked out (a transaction, a query in flight) or not. The
  // query in flight rejects as well, and its caller answers 503 or retries.
  pool.on('connect', (client) => {
    client.on('error', (err) => log.warn({ err }, 'postgres connection lost'))
  })
  // The idle client's error is re-emitted here; its own listener above already logged it.
  pool.on('error', () => {})
  return pool
}

/** BEGIN … COMMIT, ROLLBACK on any throw, and the client always goes back to the pool. */
export async function withTransaction<T> (pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect()
  let broken = false
  try {
    await client.query('begin')
    const result = await fn(client)
    await client.query('commit')
    return result
  } catch (err) {
    try {
      await client.query('rollback')
    } catch {
      broken = true // the connection is gone; releasing it with an error destroys it
    }
    throw err
  } finally {
    client.release(broken)
  }
}
