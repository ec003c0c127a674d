import { randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { verifySignature } from '@webhook-secret-rotation/signing'
import { startReceiver } from '../fixtures/receiver.js'
import { buildTestContext, createTestDatabase, eventually, json, type TestContext } from '../helper.js'

let databaseUrl: string
beforeAll(async () => { databaseUrl = await createTestDatabase() })

const TEST_DELIVERY = '/v1/auth/api-keys/me/webhook-secret/test-delivery'
const EVENTS = '/v1/webhooks/events'
const LOCAL = { WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true', DELIVERY_BACKOFF_BASE_MS: '50', DELIVERY_BACKOFF_CAP_MS: '200' }

function testDelivery (ctx: TestContext, apiKey: string, sign?: string) {
  return ctx.app.inject({
    method: 'POST',
    url: TEST_DELIVERY,
    headers: { 'x-api-key': apiKey, 'content-type': 'application/json' },
    payload: JSON.stringify(sign === undefined ? {} : { sign }),
  })
}

/** Waits until the event's delivery record is final, and returns it. */
async function finalEvent (ctx: TestContext, apiKey: string, eventId: string) {
  return eventually(async () => {
    const e = json(await ctx.get(apiKey, `${EVENTS}/${eventId}`)).event
    return e.status === 'delivered' || e.status === 'failed' ? e : undefined
  }, 30_000, 50)
}

function verifies (r: { headers: Record<string, unknown>; body: string }, secret: string) {
  return verifySignature(r.body, r.headers['x-kash-signature'] as string, secret).ok
}

describe('signed webhook deliveries', () => {
  it('signs with both secrets during the window, so either verifies; after it only the new one does', async () => {
    const receiver = await startReceiver()
    const ctx = await buildTestContext({ databaseUrl, env: { ...LOCAL, PREVIOUS_SECRET_RETENTION_SECONDS: '2' } })
    const key = await ctx.createKey({ webhookUrl: receiver.url })
    const oldSecret = key.webhookSecret!
    const rotated = json(await ctx.rotate(key.apiKey, { idempotencyKey: randomUUID() })).webhookSecret
    const newSecret = rotated.secret as string

    const [delivery] = await receiver.waitFor(1)
    const event = JSON.parse(delivery!.body)
    expect(event).toMatchObject({ type: 'webhook_secret.rotated', data: { rotationId: rotated.rotationId, secretVersion: 2 } })
    expect(delivery!.body).not.toMatch(/whsec_/)
    expect(delivery!.headers['content-type']).toBe('application/json')
    expect(delivery!.headers['x-kash-event-id']).toBe(event.id)
    expect(delivery!.headers['user-agent']).toMatch(/^Kash-Webhooks\//)
    expect(delivery!.headers['x-kash-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/)
    expect(verifies(delivery!, newSecret)).toBe(true)
    expect(verifies(delivery!, oldSecret)).toBe(true)
    expect((await finalEvent(ctx, key.apiKey, event.id)).status).toBe('delivered')

    await new Promise((resolve) => setTimeout(resolve, 2100)) // the 2 s window ends
    const after = json(await testDelivery(ctx, key.apiKey)).event
    const [, late] = await receiver.waitFor(2)
    expect(late!.headers['x-kash-event-id']).toBe(after.id)
    expect(late!.headers['x-kash-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/)
    expect(verifies(late!, newSecret)).toBe(true)
    expect(verifySignature(late!.body, late!.headers['x-kash-signature'] as string, oldSecret)).toMatchObject({ ok: false, reason: 'signature_mismatch' })
  })

  it('signs a test delivery with the new secret alone when asked, or with the previous alone', async () => {
    const receiver = await startReceiver()
    const ctx = await buildTestContext({ databaseUrl, env: LOCAL })
    const key = await ctx.createKey({ webhookUrl: receiver.url })
    const newSecret = json(await ctx.rotate(key.apiKey, { idempotencyKey: randomUUID() })).webhookSecret.secret
    await receiver.waitFor(1) // the rotated event

    const current = await testDelivery(ctx, key.apiKey, 'current')
    expect(current.statusCode).toBe(202)
    expect(current.headers.location).toBe(`${EVENTS}/${json(current).event.id}`)
    const [, byCurrent] = await receiver.waitFor(2)
    expect(JSON.parse(byCurrent!.body)).toMatchObject({ type: 'webhook.test', data: { signedWith: 'current' } })
    expect(verifies(byCurrent!, newSecret)).toBe(true)
    expect(verifies(byCurrent!, key.webhookSecret!)).toBe(false)

    await testDelivery(ctx, key.apiKey, 'previous')
    const [, , byPrevious] = await receiver.waitFor(3)
    expect(verifies(byPrevious!, key.webhookSecret!)).toBe(true)
    expect(verifies(byPrevious!, newSecret)).toBe(false)
  })

  it('retries a receiver that answers 500 twice, then records it delivered after the third attempt', async () => {
    const receiver = await startReceiver((n) => n < 2 ? 500 : 200)
    const ctx = await buildTestContext({ databaseUrl, env: LOCAL })
    const key = await ctx.createKey({ webhookUrl: receiver.url })
    const { id } = json(await testDelivery(ctx, key.apiKey)).event
    const event = await finalEvent(ctx, key.apiKey, id)
    expect(event).toMatchObject({ status: 'delivered', attempts: 3, lastStatusCode: 200, lastError: null })
    expect(receiver.received).toHaveLength(3)
    expect(new Set(receiver.received.map((r) => r.headers['x-kash-event-id']))).toEqual(new Set([id]))
    expect(new Set(receiver.received.map((r) => r.body)).size).toBe(1) // the same bytes every attempt
    // A receiver's failure is the customer's side: one info line per attempt, no warning, no stack.
    const lines = ctx.logs.map((l) => JSON.parse(l) as { level: number; msg: string; err?: { stack?: string } })
    expect(lines.filter((l) => l.msg === 'delivery attempted')).toHaveLength(3)
    expect(lines.filter((l) => l.level >= 40 || l.err?.stack !== undefined)).toEqual([])
  })

  it('fails a delivery answered 400 after one attempt', async () => {
    const receiver = await startReceiver(() => 400)
    const ctx = await buildTestContext({ databaseUrl, env: LOCAL })
    const key = await ctx.createKey({ webhookUrl: receiver.url })
    const { id } = json(await testDelivery(ctx, key.apiKey)).event
    expect(await finalEvent(ctx, key.apiKey, id)).toMatchObject({ status: 'failed', attempts: 1, lastStatusCode: 400, lastError: 'HTTP 400' })
    expect(receiver.received).toHaveLength(1)
  })

  it('retries a receiver that never answers with backoff, then fails it at the attempt cap', async () => {
    const receiver = await startReceiver(() => 'hang')
    const ctx = await buildTestContext({ databaseUrl, env: { ...LOCAL, DELIVERY_TIMEOUT_MS: '300', DELIVERY_MAX_ATTEMPTS: '3' } })
    const key = await ctx.createKey({ webhookUrl: receiver.url })
    const { id } = json(await testDelivery(ctx, key.apiKey)).event
    const event = await finalEvent(ctx, key.apiKey, id)
    expect(event).toMatchObject({ status: 'failed', attempts: 3, lastStatusCode: null })
    expect(event.lastError).toMatch(/timeout/)
    expect(receiver.received).toHaveLength(3)
    const gaps = receiver.received.slice(1).map((r, i) => r.at - receiver.received[i]!.at)
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(300) // the timeout, then a backoff delay
  })

  it('refuses a webhook URL that resolves to a private address unless the switch allows it', async () => {
    const receiver = await startReceiver()
    const ctx = await buildTestContext({ databaseUrl, env: { WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'false' } })
    const key = await ctx.createKey({ webhookUrl: `http://localhost:${receiver.port}/hooks` })
    const { id } = json(await testDelivery(ctx, key.apiKey)).event
    const event = await finalEvent(ctx, key.apiKey, id)
    expect(event).toMatchObject({ status: 'failed', attempts: 1 })
    expect(event.lastError).toMatch(/address not allowed/)
    expect(receiver.received).toHaveLength(0)
  })
})
