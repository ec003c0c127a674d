import pg from 'pg'
import type { Logger } from 'pino'

export type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>

// timestamptz and bigint come back as strings we format ourselves; we never do date arithmetic
// in the process (Postgres now() decides every window).
pg.types.setTypeParser(pg.types.builtins.TIMESTAMPTZ, (v) => new Date(v))

export function createPool (connectionString: string, log: Logger, options: pg.PoolConfig = {}) {
  const pool = new pg.Pool({
    connectionString,
    max: 10,
    connectionTimeoutMillis: 3000,
    idleTimeoutMillis: 30000,
    statement_timeout: 15000,
    query_timeout: 20000,
    ...options,
  })
  // An idle client losing its connection emits here; without a listener the process would crash.
  pool.on('error', (err) => log.warn({ err }, 'idle postgres client error'))
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
