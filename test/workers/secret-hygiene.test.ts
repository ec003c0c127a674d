import { randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { revokeKey } from '../../src/domain/api-keys.js'
import { buildTestContext, createTestDatabase, eventually, json, type TestContext } from '../helper.js'

let databaseUrl: string
beforeAll(async () => { databaseUrl = await createTestDatabase() })

async function rotatedKey (ctx: TestContext) {
  const key = await ctx.createKey()
  const res = await ctx.rotate(key.apiKey, { idempotencyKey: randomUUID() })
  expect(res.statusCode).toBe(200)
  return { ...key, rotationId: json(res).webhookSecret.rotationId as string }
}

async function systemAudit (ctx: TestContext, keyId: string) {
  const { rows } = await ctx.pool.query(
    "select action, rotation_id, details from audit_events where api_key_id = $1 and actor_type = 'system' order by id", [keyId])
  return rows
}

describe('secret sweeper: previous secrets', () => {
  it('erases a previous secret once its window has passed, keeps the window end, and audits it', async () => {
    const ctx = await buildTestContext({ databaseUrl, env: { PREVIOUS_SECRET_RETENTION_SECONDS: '1' } })
    const key = await rotatedKey(ctx)
    const until = (await ctx.secretSlots(key.apiKeyId)).raw.previous_retained_until

    const raw = await eventually(async () => {
      const slots = await ctx.secretSlots(key.apiKeyId)
      return slots.raw.webhook_secret_previous === null && slots.raw
    })

    expect(raw.previous_retained_until).toEqual(until)
    expect(await systemAudit(ctx, key.apiKeyId)).toContainEqual(expect.objectContaining({ action: 'webhook_secret.previous_erased' }))
    const meta = json(await ctx.get(key.apiKey, '/v1/auth/api-keys/me/webhook-secret'))
    expect(meta.webhookSecret.previousRetainedUntil).toBeNull()
  })

  it('leaves a previous secret inside its window alone', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const key = await rotatedKey(ctx)
    const other = await rotatedKey(ctx)
    await ctx.pool.query("update api_keys set previous_retained_until = now() - interval '1 second' where id = $1", [other.apiKeyId])

    await eventually(async () => (await ctx.secretSlots(other.apiKeyId)).raw.webhook_secret_previous === null)

    expect((await ctx.secretSlots(key.apiKeyId)).previous).toBe(key.webhookSecret)
  })
})

describe('secret sweeper: revoked keys', () => {
  it('erases both slots and the held secrets of a revoked key, keeps its webhook URL, and audits each erasure', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const key = await rotatedKey(ctx)
    const kept = await rotatedKey(ctx)

    await revokeKey(ctx.pool, key.apiKeyId, { actorType: 'operator', actor: 'test' })

    const row = await eventually(async () => {
      const { rows: [r] } = await ctx.pool.query('select * from api_keys where id = $1', [key.apiKeyId])
      return r.secrets_erased_at !== null && r
    })
    expect(row).toMatchObject({ webhook_secret: null, webhook_secret_previous: null, webhook_url: 'https://hooks.example.com/kash' })
    const { rows: [rotation] } = await ctx.pool.query('select held_secret, secret_erased_reason from webhook_secret_rotations where id = $1', [key.rotationId])
    expect(rotation).toEqual({ held_secret: null, secret_erased_reason: 'key_revoked' })
    expect((await systemAudit(ctx, key.apiKeyId)).map((a) => [a.action, a.rotation_id, a.details.reason ?? null])).toEqual(
      expect.arrayContaining([['webhook_secret.held_secret_erased', key.rotationId, 'key_revoked'], ['api_key.secrets_erased', null, null]]))
    // Another key's secrets and held secret are untouched.
    expect((await ctx.secretSlots(kept.apiKeyId)).previous).toBe(kept.webhookSecret)
    const { rows: [held] } = await ctx.pool.query('select held_secret is not null as held from webhook_secret_rotations where id = $1', [kept.rotationId])
    expect(held.held).toBe(true)
  })

  it('marks a pending delivery of a revoked key failed instead of signing it', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false })
    const key = await ctx.createKey({ webhookUrl: 'http://127.0.0.1:9/unreachable' })
    const res = await ctx.post(key.apiKey, '/v1/auth/api-keys/me/webhook-secret/test-delivery')
    expect(res.statusCode).toBe(202)
    const eventId = json(res).event.id as string
    await revokeKey(ctx.pool, key.apiKeyId, { actorType: 'operator', actor: 'test' })
    await ctx.pool.query('update api_keys set webhook_secret = null, webhook_secret_previous = null, secrets_erased_at = now() where id = $1', [key.apiKeyId])

    ctx.startWorker()

    const event = await eventually(async () => {
      const { rows: [e] } = await ctx.pool.query('select status, last_error from webhook_events where id = $1', [eventId])
      return e.status === 'failed' && e
    })
    expect(event.last_error).toMatch(/revoked/)
  })
})
