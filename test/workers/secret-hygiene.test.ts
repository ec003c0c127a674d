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

/** The key's retained secrets as stored, in force or ended (an ended one keeps its row as the record). */
async function retainedRows (ctx: TestContext, keyId: string) {
  const { rows } = await ctx.pool.query(
    `select secret_version, secret, retained_until, ended_at, ended_reason
     from retained_webhook_secrets where api_key_id = $1 order by secret_version`, [keyId])
  return rows
}

async function systemAudit (ctx: TestContext, keyId: string) {
  const { rows } = await ctx.pool.query(
    "select action, rotation_id, details from audit_events where api_key_id = $1 and actor_type = 'system' order by id", [keyId])
  return rows
}

describe('secret sweeper: retained secrets', () => {
  it('erases a retained secret once its window has passed, keeps the row with its window end, and audits it', async () => {
    const ctx = await buildTestContext({ databaseUrl, env: { PREVIOUS_SECRET_RETENTION_SECONDS: '1' } })
    const key = await rotatedKey(ctx)
    // Read from the table, not the in-force view: a 1-second window may already have passed.
    const [retained] = await retainedRows(ctx, key.apiKeyId)
    expect(retained).toMatchObject({ secret_version: 1, ended_at: null })
    expect(retained.secret).not.toBeNull()

    const rows = await eventually(async () => {
      const r = await retainedRows(ctx, key.apiKeyId)
      return r[0].secret === null && r
    })

    expect(rows).toEqual([{ secret_version: 1, secret: null, retained_until: retained.retained_until, ended_at: expect.any(Date), ended_reason: 'window_passed' }])
    const erased = (await systemAudit(ctx, key.apiKeyId)).filter((a) => a.action === 'webhook_secret.previous_erased')
    expect(erased.map((a) => ({ ...a.details, previousRetainedUntil: new Date(a.details.previousRetainedUntil) }))).toEqual([
      { previousRetainedUntil: retained.retained_until, secretVersion: 1 },
    ])
    expect((await ctx.secretSlots(key.apiKeyId)).signing).toHaveLength(1)
    const meta = json(await ctx.get(key.apiKey, '/v1/auth/api-keys/me/webhook-secret'))
    expect(meta.webhookSecret.previousRetainedUntil).toBeNull()
  })

  it('leaves a retained secret inside its window alone', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const key = await rotatedKey(ctx)
    const other = await rotatedKey(ctx)
    await ctx.pool.query("update retained_webhook_secrets set retained_until = now() - interval '1 second' where api_key_id = $1", [other.apiKeyId])

    await eventually(async () => (await retainedRows(ctx, other.apiKeyId))[0].ended_reason === 'window_passed')

    expect((await ctx.secretSlots(key.apiKeyId)).previous).toBe(key.webhookSecret)
    expect((await retainedRows(ctx, key.apiKeyId))[0]).toMatchObject({ ended_at: null, ended_reason: null })
  })
})

describe('secret sweeper: revoked keys', () => {
  it('erases the current and retained secrets and the held secrets of a revoked key, keeps its webhook URL, and audits each erasure', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const key = await rotatedKey(ctx)
    const kept = await rotatedKey(ctx)

    await revokeKey(ctx.pool, key.apiKeyId, { actorType: 'operator', actor: 'test' })

    const row = await eventually(async () => {
      const { rows: [r] } = await ctx.pool.query('select * from api_keys where id = $1', [key.apiKeyId])
      return r.secrets_erased_at !== null && r
    })
    expect(row).toMatchObject({ webhook_secret: null, webhook_url: 'https://hooks.example.com/kash' })
    // The retained secret stops signing; its row and window end stay as the record.
    expect(await retainedRows(ctx, key.apiKeyId)).toEqual([
      { secret_version: 1, secret: null, retained_until: expect.any(Date), ended_at: expect.any(Date), ended_reason: 'key_revoked' },
    ])
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
    await ctx.pool.query('update api_keys set webhook_secret = null, secrets_erased_at = now() where id = $1', [key.apiKeyId])

    ctx.startWorker()

    const event = await eventually(async () => {
      const { rows: [e] } = await ctx.pool.query('select status, last_error from webhook_events where id = $1', [eventId])
      return e.status === 'failed' && e
    })
    expect(event.last_error).toMatch(/revoked/)
  })
})
