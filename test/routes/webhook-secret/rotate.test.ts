import { randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { buildTestContext, createTestDatabase, json, type TestContext } from '../../helper.js'

let databaseUrl: string
beforeAll(async () => { databaseUrl = await createTestDatabase() })

async function rotationCount (ctx: TestContext, apiKeyId: string, status = 'succeeded') {
  const { rows } = await ctx.pool.query('select count(*)::int as n from webhook_secret_rotations where api_key_id = $1 and status = $2', [apiKeyId, status])
  return rows[0].n as number
}

describe('POST /v1/auth/api-keys/me/webhook-secret/rotate', () => {
  it('returns 200 with the upstream shape, and the old secret becomes previous for 7 days', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const key = await ctx.createKey()
    const before = await ctx.secretSlots(key.apiKeyId)

    const res = await ctx.rotate(key.apiKey, { idempotencyKey: randomUUID(), body: { reason: 'quarterly' } })

    expect(res.statusCode).toBe(200)
    expect(res.headers['cache-control']).toBe('no-store')
    const body = json(res)
    expect(Object.keys(body).sort()).toEqual(['_meta', 'data', 'webhookSecret'])
    expect(body.data).toEqual(body.webhookSecret)
    const { secret, rotatedAt, previousRetainedUntil, rotationId } = body.webhookSecret
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/)
    expect(rotatedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    expect(Date.parse(previousRetainedUntil) - Date.parse(rotatedAt)).toBe(7 * 86_400_000)
    expect(res.headers.location).toBe(`/v1/auth/api-keys/me/webhook-secret/rotations/${rotationId}`)
    expect(body._meta).toMatchObject({ requestId: res.headers['x-request-id'], message: expect.any(String) })

    const after = await ctx.secretSlots(key.apiKeyId)
    expect(before.current).toBe(key.webhookSecret)
    expect(after.current).toBe(secret)
    expect(after.previous).toBe(key.webhookSecret)
    expect(after.windowSeconds).toBe(7 * 86_400)
    expect(after.version).toBe(before.version + 1)
  })

  it('replays the same rotation and secret for the same idempotency key, also after the cooldown ended', async () => {
    const ctx = await buildTestContext({ databaseUrl, env: { ROTATION_COOLDOWN_SECONDS: '1' } })
    const key = await ctx.createKey()
    const idempotencyKey = randomUUID()
    const first = json(await ctx.rotate(key.apiKey, { idempotencyKey }))

    const replay = await ctx.rotate(key.apiKey, { idempotencyKey })
    expect(replay.statusCode).toBe(200)
    expect(replay.headers['idempotent-replayed']).toBe('true')
    expect(json(replay)._meta.idempotent).toBe(true)
    expect(json(replay).webhookSecret).toEqual(first.webhookSecret)

    await new Promise((resolve) => setTimeout(resolve, 1200)) // the 1 s cooldown is over
    const late = await ctx.rotate(key.apiKey, { idempotencyKey })
    expect(late.statusCode).toBe(200)
    expect(json(late).webhookSecret).toEqual(first.webhookSecret)
    expect(await rotationCount(ctx, key.apiKeyId)).toBe(1)
    expect((await ctx.secretSlots(key.apiKeyId)).version).toBe(2)
  })

  it('answers 50 concurrent requests with one idempotency key with exactly one rotation', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const key = await ctx.createKey()
    const idempotencyKey = randomUUID()

    const responses = await Promise.all(Array.from({ length: 50 }, () => ctx.rotate(key.apiKey, { idempotencyKey })))

    expect(responses.map((r) => r.statusCode)).toEqual(Array(50).fill(200))
    const ids = new Set(responses.map((r) => json(r).webhookSecret.rotationId))
    const secrets = new Set(responses.map((r) => json(r).webhookSecret.secret))
    expect(ids.size).toBe(1)
    expect(secrets.size).toBe(1)
    expect(responses.filter((r) => r.headers['idempotent-replayed'] === undefined)).toHaveLength(1)
    const { rows } = await ctx.pool.query('select count(*)::int as n from webhook_secret_rotations where api_key_id = $1', [key.apiKeyId])
    expect(rows[0].n).toBe(1)
    expect((await ctx.secretSlots(key.apiKeyId)).version).toBe(2)
  })

  it('lets exactly one of 20 concurrent requests with different keys rotate; the rest get the cooldown 429', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const key = await ctx.createKey()

    const responses = await Promise.all(Array.from({ length: 20 }, () => ctx.rotate(key.apiKey, { idempotencyKey: randomUUID() })))

    const ok = responses.filter((r) => r.statusCode === 200)
    const refused = responses.filter((r) => r.statusCode === 429)
    expect(ok).toHaveLength(1)
    expect(refused).toHaveLength(19)
    const winner = json(ok[0]!).webhookSecret.rotationId
    for (const r of refused) {
      expect(r.headers['x-error-code']).toBe('WEBHOOK_SECRET_ROTATION_COOLDOWN')
      expect(r.headers['content-type']).toMatch(/^application\/problem\+json/)
      const retryAfter = Number(r.headers['retry-after'])
      expect(retryAfter).toBeGreaterThanOrEqual(1)
      expect(retryAfter).toBeLessThanOrEqual(60)
      expect(json(r)).toMatchObject({ code: 'WEBHOOK_SECRET_ROTATION_COOLDOWN', status: 429, title: 'Rotation cooldown active', rotationId: winner, secretRecoverable: true })
      expect(r.headers.link).toBe(`</v1/auth/api-keys/me/webhook-secret/rotations/${winner}>; rel="related"`)
    }
    expect(await rotationCount(ctx, key.apiKeyId)).toBe(1)
    expect((await ctx.secretSlots(key.apiKeyId)).version).toBe(2)
  })

  it('rotates again after a short cooldown, and previous then holds the first rotation\'s secret', async () => {
    const ctx = await buildTestContext({ databaseUrl, env: { ROTATION_COOLDOWN_SECONDS: '1' } })
    const key = await ctx.createKey()
    const first = json(await ctx.rotate(key.apiKey, { idempotencyKey: randomUUID() })).webhookSecret

    const early = await ctx.rotate(key.apiKey, { idempotencyKey: 'second-attempt' })
    expect(early.statusCode).toBe(429)
    await new Promise((resolve) => setTimeout(resolve, Number(early.headers['retry-after']) * 1000 + 100))

    // The same key works after the cooldown: the refusal recorded nothing.
    const second = await ctx.rotate(key.apiKey, { idempotencyKey: 'second-attempt' })
    expect(second.statusCode).toBe(200)
    expect(second.headers['idempotent-replayed']).toBeUndefined()
    const row = await ctx.secretSlots(key.apiKeyId)
    expect(row.current).toBe(json(second).webhookSecret.secret)
    expect(row.previous).toBe(first.secret)
    expect(row.version).toBe(3)
  })

  it('names rotations and their events with time-ordered ids (UUIDv7), so later ones sort after earlier ones', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const first = json(await ctx.rotate((await ctx.createKey()).apiKey, { idempotencyKey: randomUUID() })).webhookSecret.rotationId
    const second = json(await ctx.rotate((await ctx.createKey()).apiKey, { idempotencyKey: randomUUID() })).webhookSecret.rotationId

    const uuidV7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
    expect(first).toMatch(uuidV7)
    expect(second).toMatch(uuidV7)
    expect(second > first).toBe(true)
    const { rows } = await ctx.pool.query('select id from webhook_events where rotation_id = any($1) order by created_at', [[first, second]])
    expect(rows.map((r) => r.id)).toEqual([expect.stringMatching(uuidV7), expect.stringMatching(uuidV7)])
    expect(rows[1].id > rows[0].id).toBe(true)
  })

  it('answers 202 with the rotation and a Location when asked not to wait', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false })
    const key = await ctx.createKey()
    const res = await ctx.rotate(key.apiKey, { idempotencyKey: randomUUID(), prefer: 'respond-async' })
    expect(res.statusCode).toBe(202)
    expect(res.headers['retry-after']).toBe('1')
    const body = json(res)
    expect(body.rotation).toMatchObject({ status: 'queued', kind: 'customer', secret: null, secretHeld: false })
    expect(body.data).toEqual(body.rotation)
    expect(res.headers.location).toBe(`/v1/auth/api-keys/me/webhook-secret/rotations/${body.rotation.id}`)
  })

  it('says in the answer that a rotate without an Idempotency-Key cannot be replayed, and not when it had one', async () => {
    const ctx = await buildTestContext({ databaseUrl, env: { ROTATION_COOLDOWN_SECONDS: '1' } })
    const key = await ctx.createKey()
    const keyless = await ctx.rotate(key.apiKey)
    expect(keyless.statusCode).toBe(200)
    expect(json(keyless)._meta.message).toMatch(/had no Idempotency-Key, so it cannot be replayed/)

    const other = await ctx.createKey()
    const keyed = await ctx.rotate(other.apiKey, { idempotencyKey: randomUUID() })
    expect(keyed.statusCode).toBe(200)
    expect(json(keyed)._meta.message).not.toMatch(/Idempotency-Key/)

    const noWorker = await buildTestContext({ databaseUrl, worker: false })
    const queued = await noWorker.createKey()
    const accepted = await noWorker.rotate(queued.apiKey, { prefer: 'respond-async' })
    expect(accepted.statusCode).toBe(202)
    expect(json(accepted)._meta.message).toMatch(/had no Idempotency-Key, so it cannot be replayed/)
  })
})
