import { performance } from 'node:perf_hooks'
import pg from 'pg'
import type { Logger } from 'pino'
import { DATABASE_CONNECT_TIMEOUT_MS, parseEnv, type Config } from '../config/config.js'

export type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>

// timestamptz and bigint come back as strings we format ourselves; we never do date arithmetic
// in the process (Postgres now() decides every window).
pg.types.setTypeParser(pg.types.builtins.TIMESTAMPTZ, (v) => new Date(v))

/** The settings of the configuration every pool of a process is made with. */
export type DatabaseSettings = Pick<Config, 'DATABASE_STATEMENT_TIMEOUT_MS' | 'DATABASE_LOCK_TIMEOUT_MS' | 'DATABASE_POOLER'>

/**
 * Behind a transaction pooler each transaction may run on another server connection: a statement
 * prepared under a name on one is unknown on the next ("prepared statement … does not exist"). The
 * repositories name their statements (prepared once per connection on a direct one); this client
 * sends them unnamed, parsed each time.
 */
class UnnamedStatementsClient extends pg.Client {
  // pg's query has a dozen overloads; this only drops `name` from a config object and passes all on.
  override query (config: any, ...rest: any[]): any {
    if (config !== null && typeof config === 'object' && typeof config.name === 'string') {
      const { name: _name, ...unnamed } = config
      return (super.query as (...args: unknown[]) => unknown)(unnamed, ...rest)
    }
    return (super.query as (...args: unknown[]) => unknown)(config, ...rest)
  }
}

/** Pool options from the configuration: the statement and lock timeouts, and the pooler's constraints. */
export function databasePoolOptions (config: DatabaseSettings): pg.PoolConfig {
  // The client gives up a little after the server would have cancelled the statement.
  const queryTimeout = config.DATABASE_STATEMENT_TIMEOUT_MS + 5000
  if (config.DATABASE_POOLER === 'transaction') {
    // PgBouncer refuses startup parameters it does not track ("unsupported startup parameter"), and a
    // SET would stay on a server connection other clients share: the timeouts come from the server
    // side (ALTER ROLE … SET, or PgBouncer's connect_query; checkPooledTimeouts warns when missing).
    return { Client: UnnamedStatementsClient, statement_timeout: undefined, lock_timeout: undefined, query_timeout: queryTimeout }
  }
  return {
    statement_timeout: config.DATABASE_STATEMENT_TIMEOUT_MS,
    lock_timeout: config.DATABASE_LOCK_TIMEOUT_MS,
    query_timeout: queryTimeout,
  }
}

/**
 * Through a transaction pooler the timeouts are the server's: warns when a server connection has none
 * (a slow lock would then hang the request until the client's query timeout, not answer 503 at once).
 */
export async function checkPooledTimeouts (pool: pg.Pool, config: DatabaseSettings, log: Logger) {
  if (config.DATABASE_POOLER !== 'transaction') return
  const { rows: [row] } = await pool.query<{ statementTimeout: string; lockTimeout: string }>(
    'select current_setting(\'statement_timeout\') as "statementTimeout", current_setting(\'lock_timeout\') as "lockTimeout"')
  if (row!.statementTimeout === '0' || row!.lockTimeout === '0') {
    log.warn({ statementTimeout: row!.statementTimeout, lockTimeout: row!.lockTimeout, wanted: { statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS, lockTimeoutMs: config.DATABASE_LOCK_TIMEOUT_MS } },
      'the pooled connections have no statement or lock timeout: set them with ALTER ROLE … SET or PgBouncer\'s connect_query (README "Behind PgBouncer")')
  }
}

// Pools made without the configuration (admin CLI, tests' inspection pools) get its defaults.
const DEFAULT_SETTINGS = parseEnv({})

/** A pool with the default timeouts; a process' own pools pass databasePoolOptions(config). */
export function createPool (connectionString: string, log: Logger, options: pg.PoolConfig = {}) {
  const pool = new pg.Pool({
    connectionString,
    max: 10,
    connectionTimeoutMillis: DATABASE_CONNECT_TIMEOUT_MS,
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
  connectionWaits(pool)
  return pool
}

/** How long a pool's callers wait for a connection (pg.Pool only counts them). */
export interface ConnectionWaits {
  /** Milliseconds the longest-waiting caller still without a connection has waited; 0 when none waits. */
  oldestMs (): number
  /** Calls `observer` with each caller's wait in seconds once it has a connection or gave up; returns the unsubscribe. */
  observe (observer: (seconds: number) => void): () => void
}

const trackedPools = new WeakMap<pg.Pool, ConnectionWaits>()

/**
 * Times every acquisition of one of the pool's connections, from the call to the connection (or
 * the error), pool.query's included: pg-pool's query goes through `this.connect`. The pool is
 * instrumented once, by createPool or by the first caller for a pool made elsewhere.
 */
export function connectionWaits (pool: pg.Pool): ConnectionWaits {
  const known = trackedPools.get(pool)
  if (known) return known
  // Insertion order is start order, so the first entry is the oldest acquisition still pending.
  const pending = new Set<{ since: number }>()
  const observers = new Set<(seconds: number) => void>()
  // pg's connect has a promise form and a callback form (pool.query's); both are timed.
  type Callback = (err: Error | undefined, client: pg.PoolClient | undefined, done: unknown) => void
  const connect = pool.connect as unknown as (this: pg.Pool, callback?: Callback) => Promise<pg.PoolClient> | undefined
  pool.connect = function timedConnect (this: pg.Pool, callback?: Callback) {
    const entry = { since: performance.now() }
    pending.add(entry)
    const settle = () => {
      if (!pending.delete(entry)) return
      const seconds = (performance.now() - entry.since) / 1000
      for (const observer of observers) observer(seconds)
    }
    if (callback) return connect.call(this, (err, client, done) => { settle(); callback(err, client, done) })
    return connect.call(this)!.finally(settle)
  } as unknown as pg.Pool['connect']
  const waits: ConnectionWaits = {
    oldestMs () {
      const oldest = pending.values().next()
      return oldest.done ? 0 : performance.now() - oldest.value.since
    },
    observe (observer) {
      observers.add(observer)
      return () => { observers.delete(observer) }
    },
  }
  trackedPools.set(pool, waits)
  return waits
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
