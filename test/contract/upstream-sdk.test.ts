import { randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { startReceiver } from '../fixtures/receiver.js'
import { buildTestContext, createTestDatabase, eventually, json, type TestContext } from '../helper.js'
import { sdkRedeliverResponse, sdkRotateResponse, sdkWebhookEventList } from './upstream-sdk-schemas.js'

let databaseUrl: string
beforeAll(async () => { databaseUrl = await createTestDatabase() })

const EVENTS = '/v1/webhooks/events'
const TEST_DELIVERY = '/v1/auth/api-keys/me/webhook-secret/test-delivery'

/** A POST as the SDK sends it: body `{}` and an Idempotency-Key. */
function sdkPost (ctx: TestContext, apiKey: string, url: string) {
  return ctx.app.inject({
    method: 'POST',
    url,
    headers: { 'x-api-key': apiKey, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    payload: '{}',
  })
}

async function finalStatus (ctx: TestContext, apiKey: string, id: string) {
  return eventually(async () => {
    const e = json(await ctx.get(apiKey, `${EVENTS}/${id}`)).event
    return e.status === 'delivered' || e.status === 'failed' ? e.status as string : undefined
  })
}

describe('the upstream SDK against this service', () => {
  it('parses a rotate answer to body {} with strict Z datetimes, and its secret is Standard Webhooks base64', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const key = await ctx.createKey()
    const res = await sdkPost(ctx, key.apiKey, '/v1/auth/api-keys/me/webhook-secret/rotate')
    expect(res.statusCode).toBe(200)
    const body = sdkRotateResponse.parse(json(res))
    expect(body.webhookSecret.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/)
  })

  it('parses an event list filtered by two statuses, and each page of it', async () => {
    const receiver = await startReceiver((n) => n === 0 ? 400 : 200)
    const ctx = await buildTestContext({ databaseUrl, env: { WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true' } })
    const key = await ctx.createKey({ webhookUrl: receiver.url })
    const failed = json(await sdkPost(ctx, key.apiKey, TEST_DELIVERY)).event.id
    expect(await finalStatus(ctx, key.apiKey, failed)).toBe('failed')
    const delivered = json(await sdkPost(ctx, key.apiKey, TEST_DELIVERY)).event.id
    expect(await finalStatus(ctx, key.apiKey, delivered)).toBe('delivered')

    const both = sdkWebhookEventList.parse(json(await ctx.get(key.apiKey, `${EVENTS}?status=failed,delivered`)))
    expect(both.data.map((e) => [e.id, e.status])).toEqual([[delivered, 'delivered'], [failed, 'failed']])
    const failure = both.data[1]!
    expect(failure).toMatchObject({ tradeRequestId: null, replayCount: 0, delivery: { attempts: 1, lastStatusCode: 400, lastFailureCode: 'HTTP_400', lastErrorMessage: 'HTTP 400', lastDeliveredAt: null } })
    expect(failure.delivery.terminalFailureAt).toBe(failure.delivery.lastAttemptedAt)
    expect(both.data[0]!.delivery).toMatchObject({ lastFailureCode: null, terminalFailureAt: null })
    expect(both.data[0]!.delivery.lastDeliveredAt).not.toBeNull()

    const page = sdkWebhookEventList.parse(json(await ctx.get(key.apiKey, `${EVENTS}?status=failed,delivered&limit=1`)))
    expect(page.pagination).toMatchObject({ hasMore: true, limit: 1 })
    const rest = sdkWebhookEventList.parse(json(await ctx.get(key.apiKey, `${EVENTS}?status=failed,delivered&limit=1&cursor=${page.pagination.cursor}`)))
    expect(rest.data.map((e) => e.id)).toEqual([failed])
    expect(json(await ctx.get(key.apiKey, `${EVENTS}?status=pending,retrying`)).data).toEqual([])
  })

  it('refuses a status list with an unknown status as 400 VALIDATION_FAILED', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false })
    const key = await ctx.createKey()
    for (const status of ['failed,bogus', 'failed,', ',failed']) {
      const res = await ctx.get(key.apiKey, `${EVENTS}?status=${status}`)
      expect(res.statusCode).toBe(400)
      expect(res.headers['x-error-code']).toBe('VALIDATION_FAILED')
    }
  })

  it('parses a redeliver answer, and then the redelivered event in the list', async () => {
    const receiver = await startReceiver()
    const ctx = await buildTestContext({ databaseUrl, env: { WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true' } })
    const key = await ctx.createKey({ webhookUrl: receiver.url })
    const id = json(await sdkPost(ctx, key.apiKey, TEST_DELIVERY)).event.id
    expect(await finalStatus(ctx, key.apiKey, id)).toBe('delivered')

    const res = await sdkPost(ctx, key.apiKey, `${EVENTS}/${id}/redeliver`)
    expect(res.statusCode).toBe(202)
    const body = sdkRedeliverResponse.parse(json(res))
    expect(body.event).toMatchObject({ id, eventType: 'webhook.test', apiKeyId: key.apiKeyId, tradeRequestId: null, deliveryAttempts: 1 })
    expect(body.data).toEqual(body.event)
    await receiver.waitFor(2)
    expect(await finalStatus(ctx, key.apiKey, id)).toBe('delivered')

    const list = sdkWebhookEventList.parse(json(await ctx.get(key.apiKey, EVENTS)))
    expect(list.data.find((e) => e.id === id)).toMatchObject({ replayCount: 1, status: 'delivered', delivery: { attempts: 2 } })
  })
})
