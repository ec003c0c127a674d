import { once } from 'node:events'
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { startRedisServer } from '../../src/embedded/redis-server.js'
import { startReceiver } from '../fixtures/receiver.js'
import { spawnRole } from '../fixtures/spawn-role.js'
import { buildTestContext, createTestDatabase, eventually, json } from '../helper.js'

let databaseUrl: string
beforeAll(async () => { databaseUrl = await createTestDatabase() })

describe('the worker process on SIGTERM', () => {
  it('finishes the delivery in flight, then exits 0', async () => {
    const receiver = await startReceiver(() => ({ status: 200, delayMs: 1500 }))
    const ctx = await buildTestContext({ databaseUrl, worker: false, env: { WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true' } })
    const key = await ctx.createKey({ webhookUrl: receiver.url })
    const worker = spawnRole('worker', {
      DATABASE_URL: ctx.config.DATABASE_URL,
      REDIS_URL: ctx.config.REDIS_URL!,
      QUEUE_PREFIX: ctx.config.QUEUE_PREFIX,
      WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true',
    })

    const { id } = json(await ctx.post(key.apiKey, '/v1/auth/api-keys/me/webhook-secret/test-delivery')).event
    await receiver.waitFor(1) // the delivery is in flight: the receiver answers in 1.5 s
    worker.child.kill('SIGTERM')
    const [code] = await once(worker.child, 'exit')

    expect(code).toBe(0)
    expect(worker.output).toMatch(/"msg":"shutting down"/)
    const event = await eventually(async () => json(await ctx.get(key.apiKey, `/v1/webhooks/events/${id}`)).event)
    expect(event).toMatchObject({ status: 'delivered', attempts: 1, lastStatusCode: 200 })
    expect(receiver.received).toHaveLength(1)
  })
})

describe('the worker process on SIGTERM while Redis is down', () => {
  // ioredis parks a connection that is disconnected while it waits to reconnect (no 'end' event),
  // and BullMQ's close waits for that event: the process used to hang until close-with-grace
  // killed it with exit code 1 (see src/queue/redis.ts).
  it('exits 0 without waiting for Redis to return', async () => {
    const redis = await startRedisServer()
    onTestFinished(() => redis.stop())
    // A Redis of its own: the default queue prefix collides with no other test.
    const worker = spawnRole('worker', { DATABASE_URL: databaseUrl, REDIS_URL: redis.url })
    await eventually(async () => { worker.assertAlive(); return worker.output.includes('"msg":"started"') }, 30_000, 100)

    await redis.stop()
    // Both workers' connections have noticed: they are now between reconnect attempts.
    await eventually(async () => /"queue":"webhook-secret-rotations","msg":"worker error"/.test(worker.output) &&
      /"queue":"webhook-deliveries","msg":"worker error"/.test(worker.output), 30_000, 100)
    worker.child.kill('SIGTERM')
    const [code] = await once(worker.child, 'exit')

    expect(worker.output).toMatch(/"msg":"shutting down"/)
    expect(worker.output).not.toMatch(/killed by timeout/)
    expect(code, worker.output.slice(-3000)).toBe(0)
  })
})
