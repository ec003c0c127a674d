import { chmod, mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { migrate } from '../../../src/db/migrate.js'
import { startEmbeddedPostgres } from '../../../src/embedded/postgres.js'
import { startRedisServer } from '../../../src/embedded/redis-server.js'
import { buildTestContext, createTestDatabase, eventually, json, ROTATIONS_PATH } from '../../helper.js'

describe('Redis stopped when a rotation is requested', () => {
  let databaseUrl: string
  beforeAll(async () => { databaseUrl = await createTestDatabase() })

  it('answers 202, keeps the rotation queued, and completes it after Redis returns', async () => {
    let redis = await startRedisServer()
    onTestFinished(() => redis.stop())
    const ctx = await buildTestContext({ databaseUrl, redisUrl: redis.url })
    const key = await ctx.createKey()
    await redis.stop()

    const res = await ctx.rotate(key.apiKey, { idempotencyKey: 'during-outage', prefer: 'wait=1' })

    expect(res.statusCode).toBe(202)
    const rotationId = json(res).rotation.id
    const { rows: [row] } = await ctx.pool.query('select status from webhook_secret_rotations where id = $1', [rotationId])
    expect(row.status).toBe('queued')
    const ready = await ctx.app.inject({ method: 'GET', url: '/v1/ready' })
    expect(ready.statusCode).toBe(503)
    expect(ready.headers['x-error-code']).toBe('DEPENDENCY_UNAVAILABLE')

    redis = await startRedisServer({ port: redis.port }) // the same address, empty: the job is gone
    const done = await eventually(async () => {
      const r = json(await ctx.get(key.apiKey, `${ROTATIONS_PATH}/${rotationId}`))
      return r.rotation.status === 'succeeded' ? r.rotation : undefined
    }, 30_000, 200)
    expect(done.secret).toMatch(/^whsec_/)
    const replay = await ctx.rotate(key.apiKey, { idempotencyKey: 'during-outage' })
    expect(json(replay).webhookSecret).toMatchObject({ rotationId, secret: done.secret })
    await ctx.close() // before this test's Redis stops
  })
})

describe('Postgres stopped', () => {
  it('answers 503 DEPENDENCY_UNAVAILABLE with Retry-After, changes nothing, and recovers when it returns', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'rotation-outage-'))
    await chmod(dir, 0o755) // Postgres' own user must reach its data dir when we run as root
    onTestFinished(() => rm(dir, { recursive: true, force: true }))
    let postgres = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), password: 'outage', fast: true })
    onTestFinished(() => postgres.stop())
    const admin = new pg.Client({ connectionString: postgres.url() })
    await admin.connect()
    await admin.query('create database outage')
    await admin.end()
    await migrate(postgres.url('outage'))

    const ctx = await buildTestContext({ databaseUrl: postgres.url('outage') })
    const key = await ctx.createKey()
    await postgres.stop()

    for (const res of [
      await ctx.rotate(key.apiKey, { idempotencyKey: 'pg-down' }),
      await ctx.get(key.apiKey, ROTATIONS_PATH),
      await ctx.app.inject({ method: 'GET', url: '/v1/ready' }),
    ]) {
      expect(res.statusCode).toBe(503)
      expect(res.headers['x-error-code']).toBe('DEPENDENCY_UNAVAILABLE')
      expect(res.headers['retry-after']).toBe('30')
      expect(json(res)).toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE', title: 'Service unavailable', status: 503 })
      expect(JSON.stringify(json(res))).not.toMatch(/postgres|ECONNREFUSED|127\.0\.0\.1|stack/i)
    }

    postgres = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), password: 'outage', fast: true, port: postgres.port })
    const res = await eventually(async () => {
      const r = await ctx.rotate(key.apiKey, { idempotencyKey: 'pg-down' })
      return r.statusCode === 200 ? r : undefined
    }, 20_000, 200)
    expect(res.headers['idempotent-replayed']).toBeUndefined() // the refused request had recorded nothing
    const { rows } = await ctx.pool.query('select count(*)::int as n from webhook_secret_rotations')
    expect(rows[0].n).toBe(1)
    await ctx.close() // before this test's Postgres stops
  })
})
