import pg from 'pg'
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { buildTestContext, createTestDatabase, eventually, json, ROTATIONS_PATH, type TestContext } from '../../helper.js'

// A session outside the service (an operator's transaction, a migration, a DBA at psql) that holds
// a lock until the test lets it go.
async function holdLock (databaseUrl: string, sql: string, values: unknown[] = []) {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'lock-holder' })
  await client.connect()
  await client.query('begin')
  await client.query(sql, values)
  let released = false
  async function release () {
    if (released) return
    released = true
    await client.query('rollback')
    await client.end()
  }
  onTestFinished(release)
  return release
}

async function keyState (ctx: TestContext, keyId: string) {
  const { rows: [key] } = await ctx.pool.query('select secret_version, webhook_secret from api_keys where id = $1', [keyId])
  const { rows: [rotations] } = await ctx.pool.query('select count(*)::int as n from webhook_secret_rotations where api_key_id = $1', [keyId])
  return { ...key, rotations: rotations.n }
}

function expectDatabaseBusy (res: Awaited<ReturnType<TestContext['rotate']>>, why: RegExp) {
  expect(res.statusCode).toBe(503)
  expect(res.headers['x-error-code']).toBe('DEPENDENCY_UNAVAILABLE')
  expect(res.headers['retry-after']).toBe('5')
  const body = json(res)
  expect(body).toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE', status: 503 })
  expect(body.detail).toMatch(why)
  expect(body.detail).toMatch(/Nothing was changed/)
  expect(JSON.stringify(body)).not.toMatch(/api_keys|canceling|select|stack/i)
}

describe('a database slow to answer', () => {
  let databaseUrl: string
  beforeAll(async () => { databaseUrl = await createTestDatabase() })

  it('a rotate while another session holds the key row FOR UPDATE answers 503 with Retry-After at the lock timeout, changes nothing, and succeeds once the row is free', async () => {
    const ctx = await buildTestContext({ databaseUrl, env: { DATABASE_LOCK_TIMEOUT_MS: '300' } })
    const key = await ctx.createKey()
    const before = await keyState(ctx, key.apiKeyId)
    const release = await holdLock(databaseUrl, 'select id from api_keys where id = $1 for update', [key.apiKeyId])

    const res = await ctx.rotate(key.apiKey, { idempotencyKey: 'while-locked' })

    expectDatabaseBusy(res, /lock timeout/)
    expect(await keyState(ctx, key.apiKeyId)).toEqual(before)
    expect(ctx.logs.join('')).toMatch(/"code":"55P03"/)

    await release()
    const retried = await ctx.rotate(key.apiKey, { idempotencyKey: 'while-locked' })
    expect(retried.statusCode).toBe(200)
    expect(retried.headers['idempotent-replayed']).toBeUndefined() // the refused request had recorded nothing
    expect(await keyState(ctx, key.apiKeyId)).toMatchObject({ secret_version: before.secret_version + 1, rotations: 1 })
  })

  it('a read route blocked behind a table lock answers the same 503 (55P03 on every route)', async () => {
    const ctx = await buildTestContext({ databaseUrl, env: { DATABASE_LOCK_TIMEOUT_MS: '300' } })
    const key = await ctx.createKey()
    // What a migration rewriting the table takes: even reads wait.
    await holdLock(databaseUrl, 'lock table webhook_secret_rotations in access exclusive mode')

    expectDatabaseBusy(await ctx.get(key.apiKey, ROTATIONS_PATH), /lock timeout/)
  })

  it('a statement cancelled by the server (57014, as a statement timeout does) answers 503, not 500', async () => {
    // A lock timeout long enough that the statement is still waiting when the server cancels it.
    const ctx = await buildTestContext({ databaseUrl, env: { DATABASE_LOCK_TIMEOUT_MS: '30000', DATABASE_STATEMENT_TIMEOUT_MS: '60000' } })
    const key = await ctx.createKey()
    const before = await keyState(ctx, key.apiKeyId)
    await holdLock(databaseUrl, 'select id from api_keys where id = $1 for update', [key.apiKeyId])
    const answer = ctx.rotate(key.apiKey, { idempotencyKey: 'cancelled' })

    // The rotate's insert is waiting on the row; cancel it as the statement timeout would.
    const admin = new pg.Client({ connectionString: databaseUrl })
    await admin.connect()
    onTestFinished(() => admin.end())
    await eventually(async () => {
      const { rows } = await admin.query(`select pg_cancel_backend(pid) as cancelled from pg_stat_activity
        where datname = current_database() and wait_event_type = 'Lock' and query like 'insert into webhook_secret_rotations%'`)
      return rows.some((r) => r.cancelled)
    })

    const res = await answer
    expectDatabaseBusy(res, /statement timeout/)
    expect(await keyState(ctx, key.apiKeyId)).toEqual(before)
  })
})

describe('a database that has become read-only (a standby reached during a failover)', () => {
  it('answers a rotate 503 with Retry-After, not 500, and changes nothing', async () => {
    const databaseUrl = await createTestDatabase()
    const ctx = await buildTestContext({ databaseUrl, worker: false })
    const key = await ctx.createKey()
    const before = await keyState(ctx, key.apiKeyId)
    // What a standby is; a new connection gets it (the pool's open ones are closed first).
    const admin = new pg.Client({ connectionString: databaseUrl })
    await admin.connect()
    onTestFinished(() => admin.end())
    const database = new URL(databaseUrl).pathname.slice(1)
    await admin.query(`alter database ${database} set default_transaction_read_only = on`)
    await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()')

    const res = await eventually(async () => {
      const r = await ctx.rotate(key.apiKey, { idempotencyKey: 'read-only' })
      expect(r.statusCode).toBe(503) // a pooled connection that was terminated answers 503 (connection lost) first
      return r.headers['retry-after'] === '5' ? r : undefined
    })

    expectDatabaseBusy(res, /read-only/)
    await admin.query(`alter database ${database} reset default_transaction_read_only`)
    expect(await keyState(ctx, key.apiKeyId)).toEqual(before)
  })
})
