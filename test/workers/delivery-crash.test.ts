import { once } from 'node:events'
import { beforeAll, describe, expect, it } from 'vitest'
import { startReceiver } from '../fixtures/receiver.js'
import { spawnWorkerProcess } from '../fixtures/spawn-worker.js'
import { buildTestContext, createTestDatabase, eventually, json } from '../helper.js'

let databaseUrl: string
beforeAll(async () => { databaseUrl = await createTestDatabase() })

const ENV = { WORKER_LOCK_DURATION_MS: '1000', WORKER_STALLED_INTERVAL_MS: '500', WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true', DELIVERY_TIMEOUT_MS: '30000' }

describe('a delivery in flight when its worker is SIGKILLed', () => {
  it('is delivered after another worker takes over, with the same event id and body', async () => {
    const receiver = await startReceiver((n) => n === 0 ? 'hang' : 200) // the first attempt never gets an answer
    const ctx = await buildTestContext({ databaseUrl, worker: false, env: ENV })
    const key = await ctx.createKey({ webhookUrl: receiver.url })

    const child = spawnWorkerProcess(ctx, ENV)
    child.stdout.resume()

    const accepted = await ctx.app.inject({ method: 'POST', url: '/v1/auth/api-keys/me/webhook-secret/test-delivery', headers: { 'x-api-key': key.apiKey } })
    expect(accepted.statusCode).toBe(202)
    const eventId = json(accepted).event.id
    const [inFlight] = await receiver.waitFor(1)
    expect(inFlight!.headers['x-kash-event-id']).toBe(eventId)

    child.kill('SIGKILL')
    await once(child, 'exit')
    ctx.startWorker()

    const [, redelivered] = await receiver.waitFor(2, 30_000)
    expect(redelivered!.headers['x-kash-event-id']).toBe(eventId)
    expect(redelivered!.body).toBe(inFlight!.body)
    const event = await eventually(async () => {
      const e = json(await ctx.get(key.apiKey, `/v1/webhooks/events/${eventId}`)).event
      return e.status === 'delivered' ? e : undefined
    })
    expect(event.lastStatusCode).toBe(200)
  })
})
