import path from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import Postgrator from 'postgrator'

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
