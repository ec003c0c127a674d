import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { setTimeout as sleep } from 'node:timers/promises'
import pg from 'pg'
import type { Logger } from 'pino'
import { isDependencyError } from '../errors/dependency-errors.js'

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations')

// Arbitrary but fixed: every runner of this project's migrations takes the same advisory lock.
const MIGRATION_LOCK_ID = 727_310_001

/**
 * Whether schema_version already records every migration file with the checksum postgrator gave
 * it (md5 of the file): then a start has nothing to run and no lock to wait for. One query, where
 * postgrator takes a dozen round trips and its own module graph to find the same. Anything else
 * (a new file, no table yet, an edited migration) goes to postgrator, which migrates or refuses.
 */
async function upToDate (client: pg.Client) {
  const files = (await readdir(MIGRATIONS_DIR)).filter((f) => /^\d+\.do\..+\.sql$/.test(f))
  const applied = await client.query<{ version: string; md5: string | null }>('select version::text, md5 from schema_version')
    .catch((err: { code?: string }) => { if (err.code === '42P01') return undefined; throw err })
  if (!applied) return false
  const md5s = new Map(applied.rows.map((r) => [Number(r.version), r.md5]))
  for (const file of files) {
    const md5 = md5s.get(Number(file.split('.')[0]))
    if (md5 === undefined) return false
    if (md5 !== null && md5 !== createHash('md5').update(await readFile(path.join(MIGRATIONS_DIR, file), 'utf8'), 'utf8').digest('hex')) return false
  }
  return true
}

/**
 * Runs the numbered migrations with postgrator, all of them in one transaction that holds an
 * advisory lock: concurrent runners (several replicas starting at once) wait for each other, and
 * a failing migration leaves the schema and the version table as they were. A database that is
 * already up to date (every start but the first after a release) returns at once.
 */
export async function migrate (connectionString: string) {
  const client = new pg.Client({ connectionString })
  // A connection cut mid-migration also rejects the query in flight; without a listener the
  // 'error' event itself would crash the process.
  client.on('error', () => {})
  await client.connect()
  try {
    if (await upToDate(client)) return []
    const { default: Postgrator } = await import('postgrator')
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
