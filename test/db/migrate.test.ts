import { readdir } from 'node:fs/promises'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { migrate, MIGRATIONS_DIR } from '../../src/db/migrate.js'
import { createTestDatabase } from '../helper.js'

async function withClient<T> (url: string, fn: (client: pg.Client) => Promise<T>) {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try { return await fn(client) } finally { await client.end() }
}

// Every start migrates; on an up-to-date database that is one query (the start-up fast path),
// which must still refuse what postgrator refuses.
describe('migrate at start', () => {
  it('applies nothing on a database that has every migration, and leaves schema_version as it was', async () => {
    const url = await createTestDatabase()
    const files = (await readdir(MIGRATIONS_DIR)).filter((f) => f.endsWith('.sql'))
    const before = await withClient(url, async (c) => (await c.query('select version, md5, run_at from schema_version where version > 0 order by version')).rows)
    expect(before).toHaveLength(files.length)
    expect(await migrate(url)).toEqual([])
    expect(await withClient(url, async (c) => (await c.query('select version, md5, run_at from schema_version where version > 0 order by version')).rows)).toEqual(before)
  })

  it('still refuses a database whose recorded migration differs from the file (an edited migration)', async () => {
    const url = await createTestDatabase()
    await withClient(url, (c) => c.query("update schema_version set md5 = 'not-the-file' where version = 1"))
    await expect(migrate(url)).rejects.toThrow(/MD5 checksum failed for migration \[1\]/)
  })

  it('hands a database missing a migration row to postgrator, which runs that migration', async () => {
    const url = await createTestDatabase()
    const last = (await readdir(MIGRATIONS_DIR)).filter((f) => f.endsWith('.sql')).sort().at(-1)!
    // The row gone but the objects still there: running the migration again is what fails, which
    // shows it was run rather than skipped as up to date (and the transaction leaves nothing half-done).
    await withClient(url, (c) => c.query('delete from schema_version where version = $1', [Number(last.split('.')[0])]))
    await expect(migrate(url)).rejects.toThrow(/already exists/)
    const versions = await withClient(url, async (c) => (await c.query('select count(*)::int as n from schema_version where version > 0')).rows[0].n)
    expect(versions).toBe((await readdir(MIGRATIONS_DIR)).filter((f) => f.endsWith('.sql')).length - 1)
  })
})
