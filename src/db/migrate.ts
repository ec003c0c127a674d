import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { setTimeout as sleep } from 'node:timers/promises'
import pg from 'pg'
import type { Logger } from 'pino'
import Postgrator from 'postgrator'
import { isDependencyError } from '../errors/dependency-errors.js'

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations')

// Arbitrary but fixed: every runner of this project's migrations takes the same advisory lock.
const MIGRATION_LOCK_ID = 727_310_001

/**
 * Runs the numbered migrations with postgrator, all of them in one transaction that holds an
 * advisory lock: concurrent runners (several replicas starting at once) wait for each other, and
 * a failing migration leaves the schema and the version table as they were.
 */
export async function migrate (connectionString: string) {
  const client = new pg.Client({ connectionString })
  // A connection cut mid-migration also rejects the query in flight; without a listener the
  // 'error' event itself would crash the process.
  client.on('error', () => {})
  await client.connect()
  try {
    await client.query('begin')
    await client.query('select pg_advisory_xact_lock($1::bigint)', [MIGRATION_LOCK_ID])
    const postgrator = new Postgrator({
      migrationPattern: path.join(MIGRATIONS_DIR, '*'),
      driver: 'pg',
      database: client.database,
      schemaTable: 'schema_version',
      execQuery: (query) => client.query(query),
    })
    const applied = await postgrator.migrate()
    await client.query('commit')
    return applied.map((m) => m.filename)
  } catch (err) {
    await client.query('rollback').catch(() => {})
    throw err
  } finally {
    await client.end()
  }
}

const START_RETRY_MS = 500
const START_RETRY_MAX_MS = 5000

/**
 * Migrates at start-up, waiting for Postgres while it cannot be reached (a process started during
 * an outage, or before its database), so a supervisor does not have to restart it in a loop. Any
 * other error (a failing migration, bad credentials) still fails the start at once.
 */
export async function migrateWhenReachable (connectionString: string, log: Logger) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await migrate(connectionString)
    } catch (err) {
      if (!isDependencyError(err)) throw err
      const retryInMs = Math.min(START_RETRY_MAX_MS, START_RETRY_MS * 2 ** (attempt - 1))
      log.warn({ err, attempt, retryInMs }, 'waiting for Postgres')
      await sleep(retryInMs)
    }
  }
}
