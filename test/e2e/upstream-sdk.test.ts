import { beforeAll, describe, expect, it } from 'vitest'
import { API_VERSION } from '../../src/http/api-version.js'
import { verifySignature } from '@webhook-secret-rotation/signing'
import { createOperator } from '../fixtures/operators.js'
import { startReceiver } from '../fixtures/receiver.js'
import { createSdkLikeClient, SdkLikeError, type Attempt } from '../fixtures/sdk-like-client.js'
import { buildTestContext, createTestDatabase, eventually, json, type TestContext } from '../helper.js'

// Real HTTP against a listening app: whether a response was written before the client left is a
// property of a real socket. The client follows the upstream SDK's retry policy (see the fixture).
let databaseUrl: string
beforeAll(async () => { databaseUrl = await createTestDatabase() })

const LOCAL = { WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true', DELIVERY_BACKOFF_BASE_MS: '50', DELIVERY_BACKOFF_CAP_MS: '200' }

async function listen (ctx: TestContext) {
  return `${await ctx.app.listen({ port: 0, host: '127.0.0.1' })}/v1`
}

async function rotations (ctx: TestContext, apiKeyId: string) {
  const { rows } = await ctx.pool.query(
    `select id, status, held_secret is not null as held, secret_first_delivered_at, secret_erased_reason
     from webhook_secret_rotations where api_key_id = $1 order by requested_at`, [apiKeyId])
  return rows as { id: string; status: string; held: boolean; secret_first_delivered_at: Date | null; secret_erased_reason: string | null }[]
}

async function succeeded (ctx: TestContext, rotationId: string) {
  await eventually(async () => {
    const { rows } = await ctx.pool.query("select 1 from webhook_secret_rotations where id = $1 and status = 'succeeded'", [rotationId])
    return rows.length === 1
  }, 30_000)
}

async function rotatedEventPath (ctx: TestContext, rotationId: string) {
  const { rows: [audit] } = await ctx.pool.query("select details from audit_events where rotation_id = $1 and action = 'webhook_secret.rotated'", [rotationId])
  const { rows: [event] } = await ctx.pool.query("select body from webhook_events where rotation_id = $1 and type = 'webhook_secret.rotated'", [rotationId])
  return { audit: audit.details.path as string, event: JSON.parse(event.body) }
}

/** The limit counts in fixed 60 s windows: start where the next few requests share one. */
async function awayFromWindowEnd () {
  await eventually(async () => 60 - (Math.floor(Date.now() / 1000) % 60) > 10, 15_000, 200)
}

function code (a: Attempt) {
  return (a.body as { code?: string } | null)?.code
}

describe('the upstream SDK against this service', () => {
  it('discards a secret whose every response was lost before it was written: previous stays the secret the client had, and rollback restores it', async () => {
    const receiver = await startReceiver()
    // No worker yet: the rotation cannot finish, so no response can carry its secret before the client gives up.
    const ctx = await buildTestContext({ databaseUrl, worker: false, env: { ...LOCAL, ROTATION_COOLDOWN_SECONDS: '4' } })
    const key = await ctx.createKey({ webhookUrl: receiver.url })
    const client = createSdkLikeClient({ baseUrl: await listen(ctx), apiKey: key.apiKey, timeoutMs: 1500, backoffMs: () => 50 })

    const lost = await client.rotateSecret().catch((err: unknown) => err)
    expect(lost).toBeInstanceOf(SdkLikeError)
    expect((lost as SdkLikeError).kind).toBe('timeout')
    expect((lost as SdkLikeError).attempts.map((a) => a.outcome)).toEqual(['timeout', 'timeout', 'timeout', 'timeout'])
    const [first] = await rotations(ctx, key.apiKeyId)
    expect(await rotations(ctx, key.apiKeyId)).toHaveLength(1) // the retries replayed it

    ctx.startWorker()
    await succeeded(ctx, first!.id)
    const lostSecret = (await ctx.secretSlots(key.apiKeyId)).current
    // The list shows delivery without delivering anything: held, never delivered.
    const listed = json(await ctx.get(key.apiKey, '/v1/auth/api-keys/me/webhook-secret/rotations')).data[0]
    expect(listed).toMatchObject({ id: first!.id, secretHeld: true, secretFirstDeliveredAt: null })

    // The application calls again: the cooldown 429 is retried after Retry-After, with the same key.
    const second = await client.rotateSecret()
    const refused = second.attempts[0]!
    expect(refused.status).toBe(429)
    expect(refused.body).toMatchObject({ code: 'WEBHOOK_SECRET_ROTATION_COOLDOWN', rotationId: first!.id, secretDelivered: false })
    expect((refused.body as { detail: string }).detail).toMatch(/will not touch the rollback slot/)
    expect(second.status).toBe(200)
    expect(second.replay).toBe(false)
    const newSecret = second.data.webhookSecret.secret
    expect(newSecret).not.toBe(lostSecret)

    const all = await rotations(ctx, key.apiKeyId)
    expect(all.map((r) => r.status)).toEqual(['succeeded', 'succeeded'])
    expect(all[0]).toMatchObject({ held: false, secret_first_delivered_at: null, secret_erased_reason: 'superseded_undelivered' })
    const slots = await ctx.secretSlots(key.apiKeyId)
    expect(slots.current).toBe(newSecret)
    expect(slots.previous).toBe(key.webhookSecret)
    expect(await rotatedEventPath(ctx, all[1]!.id)).toMatchObject({
      audit: 'undelivered_discarded',
      event: { type: 'webhook_secret.rotated', apiVersion: API_VERSION, data: { path: 'undelivered_discarded', discardedRotationId: first!.id } },
    })

    const sent = await ctx.app.inject({
      method: 'POST',
      url: '/v1/auth/api-keys/me/webhook-secret/test-delivery',
      headers: { 'x-api-key': key.apiKey, 'content-type': 'application/json' },
      payload: JSON.stringify({ sign: 'both' }),
    })
    expect(sent.statusCode).toBe(202)
    const delivery = await eventually(async () => receiver.received.find((r) => JSON.parse(r.body).type === 'webhook.test'))
    const header = delivery.headers['x-kash-signature'] as string
    expect(verifySignature(delivery.body, header, key.webhookSecret!).ok).toBe(true)
    expect(verifySignature(delivery.body, header, newSecret).ok).toBe(true)
    expect(verifySignature(delivery.body, header, lostSecret)).toMatchObject({ ok: false, reason: 'signature_mismatch' })

    const operator = await createOperator(ctx, 'sdk-story')
    const rollback = await ctx.app.inject({
      method: 'POST',
      url: `/v1/admin/api-keys/${key.apiKeyId}/webhook-secret/rollback`,
      headers: { authorization: `Bearer ${operator.token}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ reason: 'verifier rejects the new secret' }),
    })
    expect(rollback.statusCode).toBe(200)
    const restored = await ctx.secretSlots(key.apiKeyId)
    expect(restored.current).toBe(key.webhookSecret)
    expect(restored.previous).toBeNull()
  })

  it('counts a response written completely and then dropped as delivered: the retry replays it, and the next rotation keeps it as previous', async () => {
    const ctx = await buildTestContext({ databaseUrl, env: { ROTATION_COOLDOWN_SECONDS: '2' } })
    const key = await ctx.createKey()
    const client = createSdkLikeClient({ baseUrl: await listen(ctx), apiKey: key.apiKey, backoffMs: () => 50, dropResponse: (n) => n === 0 })

    const first = await client.rotateSecret()
    const [dropped, replayed] = first.attempts
    expect(dropped).toMatchObject({ outcome: 'dropped', status: 200 })
    expect(replayed).toMatchObject({ outcome: 'response', status: 200 })
    expect(first.replay).toBe(true)
    const secret = first.data.webhookSecret.secret
    expect((dropped!.body as { webhookSecret: { secret: string } }).webhookSecret.secret).toBe(secret)
    const [rotation] = await rotations(ctx, key.apiKeyId)
    expect(await rotations(ctx, key.apiKeyId)).toHaveLength(1)

    // The dropped response itself was the delivery: its request id is on the audit event.
    const delivered = await eventually(async () => {
      const { rows } = await ctx.pool.query("select request_id from audit_events where rotation_id = $1 and action = 'webhook_secret.held_secret_delivered'", [rotation!.id])
      return rows[0]
    })
    expect(delivered.request_id).toBe(dropped!.headers!.get('x-request-id'))

    const second = await client.rotateSecret() // a 429 while the cooldown lasts is retried after Retry-After
    expect(second.status).toBe(200)
    const slots = await ctx.secretSlots(key.apiKeyId)
    expect(slots.current).toBe(second.data.webhookSecret.secret)
    expect(slots.previous).toBe(secret)
    const all = await rotations(ctx, key.apiKeyId)
    expect((await rotatedEventPath(ctx, all[1]!.id)).audit).toBe('current_to_previous')
  })

  it('answers a rotation held back past the wait with 503 ROTATION_IN_PROGRESS, and the retry gets the 200 replay of the one rotation', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false, env: { ROTATE_WAIT_DEFAULT_MS: '300' } })
    const key = await ctx.createKey()
    const client = createSdkLikeClient({
      baseUrl: await listen(ctx),
      apiKey: key.apiKey,
      // The worker comes up only after the first answer, and the retry goes once the rotation is done.
      beforeRetry: async () => {
        const [queued] = await rotations(ctx, key.apiKeyId)
        if (queued!.status !== 'succeeded') ctx.startWorker()
        await succeeded(ctx, queued!.id)
      },
    })

    const result = await client.rotateSecret()
    const [inProgress] = result.attempts
    expect(inProgress!.status).toBe(503)
    expect(code(inProgress!)).toBe('ROTATION_IN_PROGRESS')
    expect(inProgress!.headers!.get('retry-after')).toBe('1')
    const all = await rotations(ctx, key.apiKeyId)
    expect(all).toHaveLength(1)
    expect(inProgress!.headers!.get('location')).toBe(`/v1/auth/api-keys/me/webhook-secret/rotations/${all[0]!.id}`)
    expect(inProgress!.body).toMatchObject({ rotationId: all[0]!.id, type: '/v1/errors/ROTATION_IN_PROGRESS' })
    expect(result.attempts).toHaveLength(2)
    expect(result.status).toBe(200)
    expect(result.replay).toBe(true)
    expect((await ctx.secretSlots(key.apiKeyId)).current).toBe(result.data.webhookSecret.secret)
  })

  it('sends the replay, rate-limit and version headers the SDK reads', async () => {
    const receiver = await startReceiver()
    const ctx = await buildTestContext({ databaseUrl, env: { ...LOCAL, RATE_LIMIT_PER_MINUTE: '4' } })
    const key = await ctx.createKey({ webhookUrl: receiver.url })
    const baseUrl = await listen(ctx)
    const client = createSdkLikeClient({ baseUrl, apiKey: key.apiKey })
    await awayFromWindowEnd()

    const rotated = await client.rotateSecret({ idempotencyKey: 'sdk-headers-1' })
    expect(rotated.replay).toBe(false)
    expect(rotated.apiVersion).toBe(API_VERSION)
    const again = await client.rotateSecret({ idempotencyKey: 'sdk-headers-1' })
    expect(again.replay).toBe(true)
    expect(again.attempts[0]!.headers!.get('idempotent-replayed')).toBe('true')
    expect(again.data.webhookSecret.secret).toBe(rotated.data.webhookSecret.secret)

    // X-RateLimit-Reset is seconds from now: the reset it names is within the 60 s window ahead.
    const metadata = await client.getWebhookSecret()
    expect(metadata.rateLimit).toMatchObject({ limit: 4 })
    const secondsAhead = (metadata.rateLimit!.resetAt.getTime() - Date.now()) / 1000
    expect(secondsAhead).toBeGreaterThan(0)
    expect(secondsAhead).toBeLessThanOrEqual(60)
    // X-RateLimit-Remaining counts down by one a request, and the request after 0 is refused. (The
    // count is read here rather than assumed from the three requests above: rate-limit.test.ts
    // pins the exact counting; this test is about the headers an SDK reads.)
    let remaining = metadata.rateLimit!.remaining
    expect(remaining).toBeLessThan(4)
    while (remaining > 0) {
      const next = await client.getWebhookSecret()
      expect(next.rateLimit!.remaining).toBe(remaining - 1)
      remaining = next.rateLimit!.remaining
    }
    const limited = await fetch(`${baseUrl}/auth/api-keys/me/webhook-secret`, { headers: { 'x-api-key': key.apiKey } })
    expect(limited.status).toBe(429)
    expect(limited.headers.get('x-ratelimit-reset')).toBe(limited.headers.get('retry-after'))

    // Every response names the API version, refusals and unknown routes included.
    for (const res of [limited, await fetch(`${baseUrl}/nope`), await fetch(`${baseUrl}/auth/api-keys/me/webhook-secret`)]) {
      expect(res.headers.get('x-api-version')).toBe(API_VERSION)
    }
    // And every webhook event body carries it.
    const [event] = await receiver.waitFor(1)
    expect(JSON.parse(event!.body)).toMatchObject({ type: 'webhook_secret.rotated', apiVersion: API_VERSION })
  })
})
