import { randomUUID } from 'node:crypto'
import type { PoolClient } from 'pg'
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { createOperator } from '../fixtures/operators.js'
import { sample } from '../fixtures/prometheus.js'
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
  it('answers 503 SERVICE_OVERLOADED with Retry-After at once when a request has waited too long for a stalled Postgres, keeps /v1/health up, and recovers', async () => {
    const ctx = await buildTestContext({
      databaseUrl,
      worker: false,
      env: { OVERLOAD_MAX_POOL_WAIT_MS: '50', OVERLOAD_CHECK_INTERVAL_MS: '20', OVERLOAD_RETRY_AFTER_SECONDS: '3' },
    })
    const key = await ctx.createKey()
    const operator = await createOperator(ctx, 'load-shedding')
    const held: PoolClient[] = await Promise.all(Array.from({ length: ctx.pool.options.max }, () => ctx.pool.connect()))
    const release = () => { for (const c of held.splice(0)) c.release() }
    onTestFinished(release)
    // Postgres answers nobody: every connection is held, so this query waits until they come back.
    const waiting = ctx.pool.query('select 1')

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

    // The stalled wait shows in the pool-wait histogram: longer than the 50 ms that started shedding.
    const scraped = await ctx.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${operator.token}` } })
    expect(scraped.statusCode).toBe(200)
    const waits = sample(scraped.body, 'webhook_rotation_db_connection_wait_seconds_count')!
    expect(waits).toBeGreaterThan(0)
    expect(sample(scraped.body, 'webhook_rotation_db_connection_wait_seconds_bucket', { le: '0.05' })).toBeLessThan(waits)
  })

  it('answers every request of a burst of 64 clients that queues briefly for a pool of 10, at the default thresholds', async () => {
    // The pool wait and the check interval at their defaults; the rate limit is not what is tested.
    const ctx = await buildTestContext({ databaseUrl, env: { RATE_LIMIT_PER_MINUTE: '1000000' } })
    const key = await ctx.createKey()
    const idempotencyKey = randomUUID()
    const first = await ctx.rotate(key.apiKey, { idempotencyKey })
    expect(first.statusCode, first.body).toBe(200)
    // A running service's connections are open: opening them is not what a burst waits for.
    await Promise.all(Array.from({ length: ctx.pool.options.max! }, () => ctx.pool.query('select 1')))

    // 64 clients replaying in a closed loop, each request one statement: a deep queue, short waits.
    const clients = 64
    const requestsEach = 25
    const statuses = new Map<number, number>()
    let mostWaiting = 0
    await Promise.all(Array.from({ length: clients }, async () => {
      for (let i = 0; i < requestsEach; i++) {
        const res = await ctx.rotate(key.apiKey, { idempotencyKey })
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1)
        mostWaiting = Math.max(mostWaiting, ctx.pool.waitingCount)
      }
    }))

    expect(Object.fromEntries(statuses)).toEqual({ 200: clients * requestsEach })
    // The burst did queue: more requests waited at once than the 20 that used to shed everything.
    expect(mostWaiting).toBeGreaterThan(20)
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
