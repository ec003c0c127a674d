import { randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { ROTATION_QUEUE } from '../../src/queue/rotation-queue.js'
import { DELIVERY_QUEUE } from '../../src/queue/delivery-queue.js'
import { createOperator } from '../fixtures/operators.js'
import { sample } from '../fixtures/prometheus.js'
import { startReceiver } from '../fixtures/receiver.js'
import { buildTestContext, createTestDatabase, eventually, json, ROTATIONS_PATH, type TestContext } from '../helper.js'

let databaseUrl: string
beforeAll(async () => { databaseUrl = await createTestDatabase() })

const LOCAL = { WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true' }
const ROTATE_ROUTE = { route: '/v1/auth/api-keys/me/webhook-secret/rotate', method: 'POST', status_code: '200' }

async function scrape (ctx: TestContext, token: string) {
  const res = await ctx.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${token}` } })
  expect(res.statusCode).toBe(200)
  return res.body
}

describe('GET /metrics', () => {
  it('answers 401 problem+json without an operator token, and the Prometheus text with process defaults to an operator', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false })
    const key = await ctx.createKey()
    const operator = await createOperator(ctx, 'metrics-reader')

    const anonymous = await ctx.app.inject({ method: 'GET', url: '/metrics' })
    expect(anonymous.statusCode).toBe(401)
    expect(anonymous.headers['x-error-code']).toBe('OPERATOR_TOKEN_MISSING')
    const customer = await ctx.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${key.apiKey}` } })
    expect(customer.statusCode).toBeGreaterThanOrEqual(401)

    const res = await ctx.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${operator.token}` } })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/)
    expect(sample(res.body, 'process_cpu_user_seconds_total')).toBeGreaterThan(0)
    expect(sample(res.body, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0)
    expect(sample(res.body, 'webhook_rotation_metrics_source_up', { source: 'redis' })).toBe(1)
    expect(sample(res.body, 'webhook_rotation_metrics_source_up', { source: 'postgres' })).toBe(1)
    expect(sample(res.body, 'webhook_rotation_queue_jobs', { queue: ROTATION_QUEUE, state: 'waiting' })).toBe(0)
  })

  it('moves the request, rotation, delivery and held-secret series after a rotation and its delivery', async () => {
    const receiver = await startReceiver()
    const ctx = await buildTestContext({ databaseUrl, env: LOCAL })
    const operator = await createOperator(ctx, 'metrics-rotation')
    const key = await ctx.createKey({ webhookUrl: receiver.url })
    const before = await scrape(ctx, operator.token)
    expect(sample(before, 'http_request_duration_seconds_count', ROTATE_ROUTE)).toBeUndefined()
    expect(sample(before, 'webhook_rotation_rotations_total', { kind: 'customer', outcome: 'succeeded' })).toBeUndefined()

    const rotated = await ctx.rotate(key.apiKey, { idempotencyKey: randomUUID() })
    expect(rotated.statusCode).toBe(200)
    const rotationId = json(rotated).webhookSecret.rotationId as string
    await receiver.waitFor(1)
    const text = await eventually(async () => {
      const t = await scrape(ctx, operator.token)
      // The delivered mark is written once the response has been sent (issue 12), so it may land
      // a moment after the response, as the delivery may.
      const delivered = (sample(t, 'webhook_rotation_delivery_attempts_total', { outcome: 'delivered' }) ?? 0) >= 1
      const marked = sample(t, 'webhook_rotation_held_secrets', { kind: 'customer', fetched: 'true' }) === 1
      // The attempt is counted inside the job; BullMQ marks the job completed after it returns.
      const completed = sample(t, 'webhook_rotation_queue_jobs', { queue: DELIVERY_QUEUE, state: 'completed' }) === 1
      return delivered && marked && completed ? t : undefined
    })

    expect(sample(text, 'http_request_duration_seconds_count', ROTATE_ROUTE)).toBe(1)
    expect(sample(text, 'http_request_duration_seconds_bucket', { ...ROTATE_ROUTE, le: '+Inf' })).toBe(1)
    expect(sample(text, 'webhook_rotation_rotations_total', { kind: 'customer', outcome: 'succeeded' })).toBe(1)
    expect(sample(text, 'webhook_rotation_rotation_latency_seconds_count', { kind: 'customer', outcome: 'succeeded' })).toBe(1)
    expect(sample(text, 'webhook_rotation_rotation_latency_seconds_sum', { kind: 'customer', outcome: 'succeeded' })).toBeGreaterThan(0)
    expect(sample(text, 'webhook_rotation_delivery_attempt_duration_seconds_count', { outcome: 'delivered' })).toBe(1)
    expect(sample(text, 'webhook_rotation_queue_jobs', { queue: ROTATION_QUEUE, state: 'completed' })).toBe(1)
    expect(sample(text, 'webhook_rotation_queue_jobs', { queue: DELIVERY_QUEUE, state: 'completed' })).toBe(1)
    expect(sample(text, 'webhook_rotation_held_secrets', { kind: 'customer', fetched: 'true' })).toBe(1)
    // No label carries a key, an id or a secret.
    expect(text).not.toMatch(/whsec_|kash_(live|test)_|kash_op_/)
    expect(text).not.toContain(rotationId)
    expect(text).not.toContain(key.apiKeyId)

    expect((await ctx.post(key.apiKey, `${ROTATIONS_PATH}/${rotationId}/acknowledge`)).statusCode).toBe(200)
    expect(sample(await scrape(ctx, operator.token), 'webhook_rotation_held_secrets', { kind: 'customer', fetched: 'true' })).toBeUndefined()
  })

  it('counts failing delivery attempts by outcome', async () => {
    const receiver = await startReceiver(() => 400)
    const ctx = await buildTestContext({ databaseUrl, env: LOCAL })
    const operator = await createOperator(ctx, 'metrics-failing')
    const key = await ctx.createKey({ webhookUrl: receiver.url })
    expect((await ctx.rotate(key.apiKey, { idempotencyKey: randomUUID() })).statusCode).toBe(200)
    await receiver.waitFor(1)
    const text = await eventually(async () => {
      const t = await scrape(ctx, operator.token)
      return sample(t, 'webhook_rotation_delivery_attempts_total', { outcome: 'fail' }) ? t : undefined
    })
    expect(sample(text, 'webhook_rotation_delivery_attempts_total', { outcome: 'fail' })).toBe(1)
    expect(sample(text, 'webhook_rotation_delivery_attempts_total', { outcome: 'delivered' })).toBeUndefined()
  })

  it('counts rate-limit refusals', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false, env: { RATE_LIMIT_PER_MINUTE: '1' } })
    const operator = await createOperator(ctx, 'metrics-rate-limit')
    const key = await ctx.createKey()
    const statuses = [await ctx.get(key.apiKey, '/v1/auth/api-keys/me/webhook-secret'), await ctx.get(key.apiKey, '/v1/auth/api-keys/me/webhook-secret')]
    expect(statuses.map((r) => r.statusCode)).toEqual([200, 429])
    expect(sample(await scrape(ctx, operator.token), 'webhook_rotation_rate_limit_refusals_total')).toBe(1)
  })

  it('counts the reconciler re-enqueueing a rotation whose job was lost', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false })
    const operator = await createOperator(ctx, 'metrics-reconciler')
    const key = await ctx.createKey()
    const accepted = await ctx.rotate(key.apiKey, { idempotencyKey: randomUUID(), prefer: 'respond-async' })
    expect(accepted.statusCode).toBe(202)
    const rotationId = json(accepted).rotation.id as string
    await ctx.queue.remove(rotationId) // the job is lost; Postgres still shows the rotation queued

    ctx.startWorker()
    const text = await eventually(async () => {
      const t = await scrape(ctx, operator.token)
      return sample(t, 'webhook_rotation_rotations_total', { kind: 'customer', outcome: 'succeeded' }) ? t : undefined
    })
    expect(sample(text, 'webhook_rotation_reconciler_reenqueues_total', { queue: ROTATION_QUEUE, job_state: 'missing' })).toBe(1)
  })
})
