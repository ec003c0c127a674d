import { randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { buildTestContext, createTestDatabase, eventually, json, ROTATIONS_PATH, type TestContext } from '../../helper.js'

let databaseUrl: string
beforeAll(async () => { databaseUrl = await createTestDatabase() })

async function currentSecretVersion (ctx: TestContext, apiKeyId: string) {
  const { rows } = await ctx.pool.query('select secret_version from api_keys where id = $1', [apiKeyId])
  return rows[0].secret_version as number
}

async function erasureAudits (ctx: TestContext, rotationId: string) {
  const { rows } = await ctx.pool.query(
    "select details->>'reason' as reason from audit_events where rotation_id = $1 and action = 'webhook_secret.held_secret_erased'", [rotationId])
  return rows.map((r) => r.reason as string)
}

describe('a rotation whose response was lost', () => {
  it('recovers the same secret by replay or GET after the client aborted, until acknowledged', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false }) // no worker yet: the job is held back
    const key = await ctx.createKey()
    const address = await ctx.app.listen({ port: 0, host: '127.0.0.1' })
    const idempotencyKey = randomUUID()

    const aborter = new AbortController()
    const lost = fetch(`${address}/v1/auth/api-keys/me/webhook-secret/rotate`, {
      method: 'POST', headers: { 'x-api-key': key.apiKey, 'idempotency-key': idempotencyKey }, signal: aborter.signal,
    })
    const { rows: [queued] } = await eventually(async () => {
      const r = await ctx.pool.query('select id, status from webhook_secret_rotations where api_key_id = $1', [key.apiKeyId])
      return r.rowCount === 1 ? r : undefined
    })
    aborter.abort()
    await expect(lost).rejects.toThrow()
    expect(queued.status).toBe('queued')

    ctx.startWorker()
    const replay = await ctx.rotate(key.apiKey, { idempotencyKey })
    expect(replay.statusCode).toBe(200)
    expect(replay.headers['idempotent-replayed']).toBe('true')
    const { secret, rotationId } = json(replay).webhookSecret
    expect(rotationId).toBe(queued.id)
    expect(await currentSecretVersion(ctx, key.apiKeyId)).toBe(2)

    // The replay's response was written completely: that, recorded just after it, is the delivery.
    await eventually(async () => {
      const { rows } = await ctx.pool.query('select 1 from webhook_secret_rotations where id = $1 and secret_first_delivered_at is not null', [rotationId])
      return rows.length === 1
    })
    const fetched = json(await ctx.get(key.apiKey, `${ROTATIONS_PATH}/${rotationId}`)).rotation
    expect(fetched).toMatchObject({ status: 'succeeded', secret, secretHeld: true, secretErasedAt: null })
    expect(fetched.secretFirstDeliveredAt).not.toBeNull()
    const listed = json(await ctx.get(key.apiKey, ROTATIONS_PATH)).data[0]
    expect(listed).toMatchObject({ id: rotationId, secretHeld: true })
    expect(listed).not.toHaveProperty('secret')

    const ack = await ctx.post(key.apiKey, `${ROTATIONS_PATH}/${rotationId}/acknowledge`)
    expect(ack.statusCode).toBe(200)
    expect(json(ack).rotation).toMatchObject({ secret: null, secretHeld: false, secretErasedReason: 'acknowledged' })
    expect((await ctx.post(key.apiKey, `${ROTATIONS_PATH}/${rotationId}/acknowledge`)).statusCode).toBe(200) // idempotent

    const after = json(await ctx.get(key.apiKey, `${ROTATIONS_PATH}/${rotationId}`)).rotation
    expect(after).toMatchObject({ secret: null, secretHeld: false, secretErasedReason: 'acknowledged' })
    expect(after.secretErasedAt).not.toBeNull()
    const { rows: [row] } = await ctx.pool.query('select held_secret from webhook_secret_rotations where id = $1', [rotationId])
    expect(row.held_secret).toBeNull()

    const gone = await ctx.rotate(key.apiKey, { idempotencyKey })
    expect(gone.statusCode).toBe(410)
    expect(json(gone)).toMatchObject({ code: 'WEBHOOK_SECRET_NO_LONGER_HELD', rotationId, secretErasedReason: 'acknowledged' })
    expect(json(gone).detail).toMatch(/acknowledged/)
    expect(json(gone).detail).toMatch(/recovery rotation/)
    expect(await currentSecretVersion(ctx, key.apiKeyId)).toBe(2) // nothing rotated again
    expect(await erasureAudits(ctx, rotationId)).toEqual(['acknowledged'])
  })

  it('counts an acknowledged secret as delivered even when no response carried it', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const key = await ctx.createKey()
    const { rotation } = json(await ctx.rotate(key.apiKey, { prefer: 'respond-async' }))
    await eventually(async () => {
      const { rows } = await ctx.pool.query("select 1 from webhook_secret_rotations where id = $1 and status = 'succeeded'", [rotation.id])
      return rows.length === 1
    })
    const listed = json(await ctx.get(key.apiKey, ROTATIONS_PATH)).data[0]
    expect(listed).toMatchObject({ id: rotation.id, secretHeld: true, secretFirstDeliveredAt: null })

    const ack = json(await ctx.post(key.apiKey, `${ROTATIONS_PATH}/${rotation.id}/acknowledge`)).rotation
    expect(ack).toMatchObject({ secretHeld: false, secretErasedReason: 'acknowledged' })
    expect(ack.secretFirstDeliveredAt).not.toBeNull()
    const { rows } = await ctx.pool.query("select details from audit_events where rotation_id = $1 and action = 'webhook_secret.held_secret_delivered'", [rotation.id])
    expect(rows.map((r) => r.details)).toEqual([{ via: 'acknowledge' }])
  })

  it('refuses to acknowledge a rotation that has not finished', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false })
    const key = await ctx.createKey()
    const { rotation } = json(await ctx.rotate(key.apiKey, { prefer: 'respond-async' }))
    const res = await ctx.post(key.apiKey, `${ROTATIONS_PATH}/${rotation.id}/acknowledge`)
    expect(res.statusCode).toBe(409)
    expect(res.headers['x-error-code']).toBe('ROTATION_NOT_FINISHED')
  })
})

describe('the hold of a new secret', () => {
  it('ends the redelivery grace after the first delivery, erased by the sweeper without any read', async () => {
    const ctx = await buildTestContext({ databaseUrl, env: { SECRET_REDELIVERY_GRACE_SECONDS: '1' } })
    const key = await ctx.createKey()
    const idempotencyKey = randomUUID()
    const first = await ctx.rotate(key.apiKey, { idempotencyKey })
    expect(first.statusCode).toBe(200)
    const { rotationId } = json(first).webhookSecret

    const erased = await eventually(async () => {
      const { rows } = await ctx.pool.query(
        'select secret_erased_reason, secret_erased_at, secret_first_delivered_at from webhook_secret_rotations where id = $1 and held_secret is null', [rotationId])
      return rows[0]
    })
    expect(erased.secret_erased_reason).toBe('redelivery_grace_elapsed')
    expect(erased.secret_erased_at.getTime() - erased.secret_first_delivered_at.getTime()).toBe(1000)

    const after = json(await ctx.get(key.apiKey, `${ROTATIONS_PATH}/${rotationId}`)).rotation
    expect(after).toMatchObject({ secret: null, secretHeld: false, secretErasedReason: 'redelivery_grace_elapsed' })
    const replay = await ctx.rotate(key.apiKey, { idempotencyKey })
    expect(replay.statusCode).toBe(410)
    expect(json(replay).detail).toMatch(/redelivery grace/)
    expect(await erasureAudits(ctx, rotationId)).toEqual(['redelivery_grace_elapsed'])
  })

  it('ends after the hold when nobody fetched the secret', async () => {
    const ctx = await buildTestContext({ databaseUrl, env: { SECRET_HOLD_SECONDS: '1', SWEEP_INTERVAL_MS: '60000' } })
    const key = await ctx.createKey()
    const accepted = await ctx.rotate(key.apiKey, { prefer: 'respond-async' })
    expect(accepted.statusCode).toBe(202)
    const rotationId = json(accepted).rotation.id
    const finished = await eventually(async () => {
      const { rows } = await ctx.pool.query("select rotated_at from webhook_secret_rotations where id = $1 and status = 'succeeded'", [rotationId])
      return rows[0]
    })
    // The sweeper is slowed down here: the read itself must not show a lapsed secret.
    await new Promise((resolve) => setTimeout(resolve, 1100))
    const res = json(await ctx.get(key.apiKey, `${ROTATIONS_PATH}/${rotationId}`)).rotation
    expect(res).toMatchObject({ status: 'succeeded', secret: null, secretHeld: false, secretErasedReason: 'hold_expired', secretFirstDeliveredAt: null })
    expect(Date.parse(res.secretErasedAt) - finished.rotated_at.getTime()).toBeLessThanOrEqual(1000)
    expect(await erasureAudits(ctx, rotationId)).toEqual(['hold_expired'])
  })
})
