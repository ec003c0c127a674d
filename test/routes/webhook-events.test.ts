import { randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { startReceiver } from '../fixtures/receiver.js'
import { buildTestContext, createTestDatabase, eventually, json, type TestContext } from '../helper.js'

let databaseUrl: string
beforeAll(async () => { databaseUrl = await createTestDatabase() })

const EVENTS = '/v1/webhooks/events'
const TEST_DELIVERY = '/v1/auth/api-keys/me/webhook-secret/test-delivery'
const LOCAL = { WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true' }

async function delivered (ctx: TestContext, apiKey: string, id: string) {
  return eventually(async () => {
    const e = json(await ctx.get(apiKey, `${EVENTS}/${id}`)).event
    return e.status === 'delivered' ? e : undefined
  })
}

describe('POST /v1/webhooks/events/{id}/redeliver', () => {
  it('sends the event again with the same id, at most 5 times, then answers 429 WEBHOOK_REPLAY_LIMIT_REACHED', async () => {
    const receiver = await startReceiver()
    const ctx = await buildTestContext({ databaseUrl, env: LOCAL })
    const key = await ctx.createKey({ webhookUrl: receiver.url })
    const { id } = json(await ctx.post(key.apiKey, TEST_DELIVERY)).event
    await delivered(ctx, key.apiKey, id)

    for (let n = 1; n <= 5; n++) {
      const res = await ctx.post(key.apiKey, `${EVENTS}/${id}/redeliver`)
      expect(res.statusCode).toBe(202)
      expect(json(res).event).toMatchObject({ id, redeliveries: n, status: 'pending' })
      await receiver.waitFor(n + 1)
      await delivered(ctx, key.apiKey, id)
    }
    expect(new Set(receiver.received.map((r) => r.headers['x-kash-event-id']))).toEqual(new Set([id]))

    const refused = await ctx.post(key.apiKey, `${EVENTS}/${id}/redeliver`)
    expect(refused.statusCode).toBe(429)
    expect(refused.headers['x-error-code']).toBe('WEBHOOK_REPLAY_LIMIT_REACHED')
    expect(json(refused)).toMatchObject({ code: 'WEBHOOK_REPLAY_LIMIT_REACHED', title: 'Replay limit reached' })
  })

  it('answers 404 for another key\'s event and for a malformed id', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false, env: LOCAL })
    const owner = await ctx.createKey()
    const stranger = await ctx.createKey()
    const { id } = json(await ctx.post(owner.apiKey, TEST_DELIVERY)).event
    for (const url of [`${EVENTS}/${id}`, `${EVENTS}/not-an-id`, `${EVENTS}/${randomUUID()}`]) {
      expect((await ctx.get(stranger.apiKey, url)).statusCode).toBe(404)
    }
    expect((await ctx.post(stranger.apiKey, `${EVENTS}/${id}/redeliver`)).headers['x-error-code']).toBe('RESOURCE_NOT_FOUND')
  })
})

describe('GET /v1/webhooks/events', () => {
  it('lists the key\'s events newest first, filters by status and pages with a cursor', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false, env: LOCAL })
    const key = await ctx.createKey()
    const other = await ctx.createKey()
    const ids: string[] = []
    for (let i = 0; i < 3; i++) ids.push(json(await ctx.post(key.apiKey, TEST_DELIVERY)).event.id)
    await ctx.post(other.apiKey, TEST_DELIVERY)

    const first = json(await ctx.get(key.apiKey, `${EVENTS}?limit=2&status=pending`))
    expect(first.data.map((e: { id: string }) => e.id)).toEqual([ids[2], ids[1]])
    expect(first.pagination).toMatchObject({ hasMore: true, limit: 2 })
    const second = json(await ctx.get(key.apiKey, `${EVENTS}?limit=2&status=pending&cursor=${first.pagination.cursor}`))
    expect(second.data.map((e: { id: string }) => e.id)).toEqual([ids[0]])
    expect(second.pagination).toMatchObject({ hasMore: false, cursor: null })
    expect(json(await ctx.get(key.apiKey, `${EVENTS}?status=delivered`)).data).toEqual([])
    expect((await ctx.get(key.apiKey, `${EVENTS}?status=bogus`)).statusCode).toBe(400)
  })
})

describe('POST /v1/auth/api-keys/me/webhook-secret/test-delivery', () => {
  it('refuses sign "previous" when the key holds no previous secret, and a key without a webhook', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false, env: LOCAL })
    const key = await ctx.createKey()
    const res = await ctx.app.inject({ method: 'POST', url: TEST_DELIVERY, headers: { 'x-api-key': key.apiKey, 'content-type': 'application/json' }, payload: '{"sign":"previous"}' })
    expect(res.statusCode).toBe(409)
    expect(res.headers['x-error-code']).toBe('NO_PREVIOUS_SECRET')
    const bare = await ctx.createKey({ webhookUrl: null })
    expect((await ctx.post(bare.apiKey, TEST_DELIVERY)).headers['x-error-code']).toBe('WEBHOOK_NOT_CONFIGURED')
    const bad = await ctx.app.inject({ method: 'POST', url: TEST_DELIVERY, headers: { 'x-api-key': key.apiKey, 'content-type': 'application/json' }, payload: '{"sign":"all"}' })
    expect(bad.statusCode).toBe(400)
    const { rows } = await ctx.pool.query('select count(*)::int as n from webhook_events where api_key_id = $1', [key.apiKeyId])
    expect(rows[0].n).toBe(0)
  })
})
