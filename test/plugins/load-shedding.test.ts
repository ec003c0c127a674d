import { randomUUID } from 'node:crypto'
import type { PoolClient } from 'pg'
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { buildTestContext, createTestDatabase, eventually, json, type TestContext } from '../helper.js'

let databaseUrl: string
beforeAll(async () => { databaseUrl = await createTestDatabase() })

const METADATA = '/v1/auth/api-keys/me/webhook-secret'

/** A route that needs neither Postgres nor Redis, so only shedding can refuse it. */
function errorsPage (ctx: TestContext) {
  return ctx.app.inject({ method: 'GET', url: '/v1/errors' })
}

function expectShed (res: Awaited<ReturnType<typeof errorsPage>>) {
  expect(res.statusCode, res.body).toBe(503)
  expect(res.headers['retry-after']).toBe('3')
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
  expect(json(res)).toMatchObject({ code: 'SERVICE_OVERLOADED', status: 503, title: 'Service overloaded' })
}

describe('load shedding', () => {
  it('answers 503 SERVICE_OVERLOADED with Retry-After at once while requests queue for Postgres, keeps /v1/health up, and recovers', async () => {
    // No worker: its periodic tasks would also queue for connections and blur the threshold of 0.
    const ctx = await buildTestContext({
      databaseUrl,
      worker: false,
      env: { OVERLOAD_MAX_POOL_WAITING: '0', OVERLOAD_CHECK_INTERVAL_MS: '50', OVERLOAD_RETRY_AFTER_SECONDS: '3' },
    })
    const key = await ctx.createKey()
    const held: PoolClient[] = await Promise.all(Array.from({ length: ctx.pool.options.max }, () => ctx.pool.connect()))
    const release = () => { for (const c of held.splice(0)) c.release() }
    onTestFinished(release)
    const waiting = ctx.pool.query('select 1') // queues for a connection: the pool is exhausted

    // The shed answers come while every connection is still held: refused at once, not timed out.
    expectShed(await eventually(async () => {
      const res = await errorsPage(ctx)
      return res.statusCode === 503 ? res : undefined
    }, 20_000, 20))
    const idempotencyKey = randomUUID()
    expectShed(await ctx.rotate(key.apiKey, { idempotencyKey, prefer: 'respond-async' }))
    expectShed(await ctx.app.inject({ method: 'GET', url: '/v1/ready' }))
    expect((await ctx.app.inject({ method: 'GET', url: '/v1/health' })).statusCode).toBe(200)

    release()
    await waiting
    await eventually(async () => (await errorsPage(ctx)).statusCode === 200, 20_000, 20)
    const { rows: [before] } = await ctx.pool.query('select count(*)::int as n from webhook_secret_rotations')
    expect(before.n, 'the shed rotate request recorded nothing').toBe(0)
    const retried = await ctx.rotate(key.apiKey, { idempotencyKey, prefer: 'respond-async' })
    expect(retried.statusCode, retried.body).toBe(202)
    expect(retried.headers['idempotent-replayed']).toBeUndefined()
    await eventually(async () => (await ctx.app.inject({ method: 'GET', url: '/v1/ready' })).statusCode === 200, 20_000, 50)
    expect((await ctx.get(key.apiKey, METADATA)).statusCode).toBe(200)
  })

  it('answers 503 SERVICE_OVERLOADED while the event loop is blocked, and recovers when it is free', async () => {
    const ctx = await buildTestContext({
      databaseUrl,
      worker: false,
      env: { OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: '50', OVERLOAD_CHECK_INTERVAL_MS: '100', OVERLOAD_RETRY_AFTER_SECONDS: '3' },
    })
    // CPU-bound work in 150 ms slices, yielding in between so requests still get a turn.
    const busy = { on: true }
    const slices = (async () => {
      while (busy.on) {
        const until = Date.now() + 150
        while (Date.now() < until) { /* spin */ }
        await new Promise((resolve) => setImmediate(resolve))
      }
    })()
    onTestFinished(async () => { busy.on = false; await slices })

    try {
      expectShed(await eventually(async () => {
        const res = await errorsPage(ctx)
        return res.statusCode === 503 ? res : undefined
      }, 20_000, 20))
    } finally {
      busy.on = false
      await slices
    }
    await eventually(async () => (await errorsPage(ctx)).statusCode === 200, 20_000, 20)
  })
})
