import { randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { createOperator } from '../../fixtures/operators.js'
import { revokeKey } from '../../../src/domain/api-keys.js'
import { buildTestContext, createTestDatabase, eventually, json, ROTATIONS_PATH, type TestContext } from '../../helper.js'

let databaseUrl: string
beforeAll(async () => { databaseUrl = await createTestDatabase() })

const WHSEC = /^whsec_[A-Za-z0-9+/]{43}=$/

function operatorAction (ctx: TestContext, token: string, keyId: string, action: string, o: { body?: unknown; idempotencyKey?: string } = {}) {
  const body = 'body' in o ? o.body : { reason: 'x' }
  return ctx.app.inject({
    method: 'POST',
    url: `/v1/admin/api-keys/${keyId}/webhook-secret/${action}`,
    headers: {
      authorization: `Bearer ${token}`,
      ...(o.idempotencyKey !== undefined ? { 'idempotency-key': o.idempotencyKey } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
  })
}

function adminGet (ctx: TestContext, token: string, url: string) {
  return ctx.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } })
}

function adminPost (ctx: TestContext, token: string, url: string) {
  return ctx.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${token}` } })
}

async function operatorRotations (ctx: TestContext, keyId: string, kind: string) {
  const { rows } = await ctx.pool.query('select id from webhook_secret_rotations where api_key_id = $1 and kind = $2', [keyId, kind])
  return rows.map((r) => r.id as string)
}

/** Every retained secret of a key as stored, in force or ended: the signing set's record. */
async function retainedRows (ctx: TestContext, keyId: string) {
  const { rows } = await ctx.pool.query(
    `select secret_version, secret, rotation_id, confirmed_at, retained_since, retained_until, ended_at, ended_reason
     from retained_webhook_secrets where api_key_id = $1 order by secret_version`, [keyId])
  return rows
}

/** A key rotated once by its customer: the original secret is retained (previous), the cooldown runs. */
async function rotatedKey (ctx: TestContext) {
  const key = await ctx.createKey()
  const res = await ctx.rotate(key.apiKey, { idempotencyKey: randomUUID() })
  expect(res.statusCode).toBe(200)
  return { ...key, original: key.webhookSecret, rotated: json(res).webhookSecret.secret as string, customerRotationId: json(res).webhookSecret.rotationId as string }
}

const operatorName = (base: string) => `${base}-${randomUUID().slice(0, 8)}`

describe('POST /v1/admin/api-keys/{keyId}/webhook-secret/rollback', () => {
  it('returns 200 with the rollback and restores exactly the original secret when the window is open', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const op = await createOperator(ctx, operatorName('alice'))
    const key = await rotatedKey(ctx)
    const before = await ctx.secretSlots(key.apiKeyId)
    expect(before.previous).toBe(key.original)

    const res = await operatorAction(ctx, op.token, key.apiKeyId, 'rollback', { body: { reason: 'customer receiver rejects the new secret' } })

    expect(res.statusCode).toBe(200)
    expect(res.headers['cache-control']).toBe('no-store')
    const body = json(res)
    expect(body.rotation).toMatchObject({ kind: 'operator_rollback', status: 'succeeded', secret: null, error: null })
    expect(body.data).toEqual(body.rotation)
    expect(res.headers.location).toBe(`/v1/admin/rotations/${body.rotation.id}`)
    const after = await ctx.secretSlots(key.apiKeyId)
    expect(after.current).toBe(key.original)
    expect(after.previous).toBeNull()
    expect(after.raw.previous_retained_until).toBeNull()
    expect(after.version).toBe(before.version + 1)
    // The failed secret is discarded and the restored one left the retained set: only the original signs.
    expect(after.signing).toEqual([key.original])
    expect(await retainedRows(ctx, key.apiKeyId)).toMatchObject([{ secret_version: 1, secret: null, ended_reason: 'restored' }])
  })

  it('returns 409 ROLLBACK_WINDOW_CLOSED, not NO_PREVIOUS_SECRET, and changes nothing after the sweep erased the previous secret past its window', async () => {
    const ctx = await buildTestContext({ databaseUrl, env: { PREVIOUS_SECRET_RETENTION_SECONDS: '1' } })
    const op = await createOperator(ctx, operatorName('bob'))
    const key = await rotatedKey(ctx)
    // The 1 s window ends and the worker's sweep erases the retained secret (its row stays as the record).
    await eventually(async () => (await retainedRows(ctx, key.apiKeyId))[0].ended_reason === 'window_passed')
    const before = await ctx.secretSlots(key.apiKeyId)
    const retainedBefore = await retainedRows(ctx, key.apiKeyId)

    const res = await operatorAction(ctx, op.token, key.apiKeyId, 'rollback')

    expect(res.statusCode).toBe(409)
    expect(res.headers['x-error-code']).toBe('ROLLBACK_WINDOW_CLOSED')
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
    expect(json(res)).toMatchObject({ code: 'ROLLBACK_WINDOW_CLOSED', status: 409 })
    const after = await ctx.secretSlots(key.apiKeyId)
    expect(after.raw).toEqual(before.raw)
    expect(await retainedRows(ctx, key.apiKeyId)).toEqual(retainedBefore)
    expect(after.current).toBe(key.rotated)
    expect(after.previous).toBeNull()
  })

  it('returns 409 NO_PREVIOUS_SECRET and changes nothing when the key holds no previous secret', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const op = await createOperator(ctx, operatorName('carol'))
    const key = await ctx.createKey()
    const before = await ctx.secretSlots(key.apiKeyId)

    const res = await operatorAction(ctx, op.token, key.apiKeyId, 'rollback')

    expect(res.statusCode).toBe(409)
    expect(res.headers['x-error-code']).toBe('NO_PREVIOUS_SECRET')
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
    expect(json(res)).toMatchObject({ code: 'NO_PREVIOUS_SECRET', status: 409 })
    expect((await ctx.secretSlots(key.apiKeyId)).raw).toEqual(before.raw)
  })

  it('returns the same rotation with Idempotent-Replayed: true and changes nothing more when the Idempotency-Key is replayed', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const op = await createOperator(ctx, operatorName('dave'))
    const key = await rotatedKey(ctx)
    const idempotencyKey = randomUUID()

    const first = await operatorAction(ctx, op.token, key.apiKeyId, 'rollback', { idempotencyKey })
    expect(first.statusCode).toBe(200)
    expect(first.headers['idempotent-replayed']).toBeUndefined()
    const afterFirst = await ctx.secretSlots(key.apiKeyId)
    const retainedAfterFirst = await retainedRows(ctx, key.apiKeyId)

    const replay = await operatorAction(ctx, op.token, key.apiKeyId, 'rollback', { idempotencyKey })

    expect(replay.statusCode).toBe(200)
    expect(replay.headers['idempotent-replayed']).toBe('true')
    expect(json(replay)._meta.idempotent).toBe(true)
    expect(json(replay).rotation.id).toBe(json(first).rotation.id)
    expect(json(replay).rotation).toMatchObject({ kind: 'operator_rollback', status: 'succeeded' })
    expect(await operatorRotations(ctx, key.apiKeyId, 'operator_rollback')).toEqual([json(first).rotation.id])
    expect((await ctx.secretSlots(key.apiKeyId)).raw).toEqual(afterFirst.raw)
    expect(await retainedRows(ctx, key.apiKeyId)).toEqual(retainedAfterFirst)
  })
})

describe('POST /v1/admin/api-keys/{keyId}/webhook-secret/recover', () => {
  it('returns 200 with a new held secret during the customer cooldown, keeping the retained secret and restarting its window', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const op = await createOperator(ctx, operatorName('erin'))
    const key = await rotatedKey(ctx)
    // The customer cooldown is running.
    const again = await ctx.rotate(key.apiKey, { idempotencyKey: randomUUID() })
    expect(again.statusCode).toBe(429)
    const before = await ctx.secretSlots(key.apiKeyId)
    expect(before.previous).toBe(key.original)

    const res = await operatorAction(ctx, op.token, key.apiKeyId, 'recover', { body: { reason: 'customer lost the newest secret' } })

    expect(res.statusCode).toBe(200)
    expect(res.headers['cache-control']).toBe('no-store')
    const rotation = json(res).rotation
    expect(rotation).toMatchObject({ kind: 'operator_recover', status: 'succeeded', secretHeld: true })
    expect(rotation.secret).toMatch(WHSEC)
    expect(res.headers.location).toBe(`/v1/admin/rotations/${rotation.id}`)
    const after = await ctx.secretSlots(key.apiKeyId)
    expect(after.current).toBe(rotation.secret)
    expect(after.previous).toBe(key.original)
    // The lost secret is discarded, not retained: the new one and the original alone sign.
    expect(after.signing).toEqual([rotation.secret, key.original])
    expect(after.version).toBe(before.version + 1)
    const { rows: [moved] } = await ctx.pool.query(
      'select $2::timestamptz < retained_until as later from retained_webhook_secrets where api_key_id = $1 and secret_version = 1',
      [key.apiKeyId, before.raw.previous_until_exact])
    expect(moved.later).toBe(true)
    expect(after.raw.previous_until_exact).not.toBe(before.raw.previous_until_exact)
  })

  it('returns the held secret on GET /v1/admin/rotations/{id} until the operator acknowledges it, and never to the customer', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const op = await createOperator(ctx, operatorName('frank'))
    const key = await rotatedKey(ctx)
    const recovered = json(await operatorAction(ctx, op.token, key.apiKeyId, 'recover')).rotation
    expect(recovered.secret).toMatch(WHSEC)

    const fetched = await adminGet(ctx, op.token, `/v1/admin/rotations/${recovered.id}`)
    expect(fetched.statusCode).toBe(200)
    expect(fetched.headers['cache-control']).toBe('no-store')
    expect(json(fetched).rotation).toMatchObject({ id: recovered.id, kind: 'operator_recover', secret: recovered.secret, secretHeld: true })

    // The operator hands the secret over; the customer's own rotation routes never carry it.
    const customerView = await ctx.get(key.apiKey, `${ROTATIONS_PATH}/${recovered.id}`)
    expect(customerView.statusCode).toBe(200)
    expect(json(customerView).rotation).toMatchObject({ id: recovered.id, kind: 'operator_recover', secret: null })
    expect(customerView.body).not.toContain(recovered.secret)
    const customerList = await ctx.get(key.apiKey, ROTATIONS_PATH)
    expect(customerList.statusCode).toBe(200)
    expect(customerList.body).not.toContain(recovered.secret)

    const ack = await adminPost(ctx, op.token, `/v1/admin/rotations/${recovered.id}/acknowledge`)
    expect(ack.statusCode).toBe(200)
    expect(json(ack).rotation).toMatchObject({ id: recovered.id, secret: null, secretHeld: false, secretErasedReason: 'acknowledged' })
    expect(json(ack).rotation.secretErasedAt).toEqual(expect.any(String))

    const afterAck = await adminGet(ctx, op.token, `/v1/admin/rotations/${recovered.id}`)
    expect(json(afterAck).rotation).toMatchObject({ secret: null, secretErasedReason: 'acknowledged' })
    expect(afterAck.body).not.toContain(recovered.secret)
    // The secret itself stays in force on the key.
    expect((await ctx.secretSlots(key.apiKeyId)).current).toBe(recovered.secret)
  })
})

describe('POST /v1/admin/api-keys/{keyId}/webhook-secret/expire-previous', () => {
  it('returns 200 and ends the retained secret (previous and its window clear), keeping current and the version', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const op = await createOperator(ctx, operatorName('grace'))
    const key = await rotatedKey(ctx)
    const before = await ctx.secretSlots(key.apiKeyId)
    expect(before.previous).toBe(key.original)

    const res = await operatorAction(ctx, op.token, key.apiKeyId, 'expire-previous', { body: { reason: 'old secret leaked' } })

    expect(res.statusCode).toBe(200)
    expect(json(res).rotation).toMatchObject({ kind: 'operator_expire_previous', status: 'succeeded', secret: null })
    const after = await ctx.secretSlots(key.apiKeyId)
    expect(after.previous).toBeNull()
    expect(after.raw.webhook_secret_previous).toBeNull()
    expect(after.raw.previous_retained_until).toBeNull()
    expect(after.current).toBe(key.rotated)
    expect(after.signing).toEqual([key.rotated])
    expect(after.raw.webhook_secret).toBe(before.raw.webhook_secret)
    expect(after.version).toBe(before.version)
    // The expired secret's row stays as the record, with why it stopped signing.
    expect(await retainedRows(ctx, key.apiKeyId)).toMatchObject([{ secret_version: 1, secret: null, ended_reason: 'expired_by_operator' }])
  })
})

describe('POST /v1/admin/api-keys/{keyId}/webhook-secret/{action} validation', () => {
  for (const action of ['rollback', 'recover', 'expire-previous']) {
    it(`returns 400 VALIDATION_FAILED and records nothing when ${action} has no reason, an empty one or no body`, async () => {
      const ctx = await buildTestContext({ databaseUrl })
      const op = await createOperator(ctx, operatorName('heidi'))
      const key = await rotatedKey(ctx)
      const before = await ctx.secretSlots(key.apiKeyId)

      for (const body of [{}, { reason: '' }, { reason: '   ' }, undefined]) {
        const res = await operatorAction(ctx, op.token, key.apiKeyId, action, { body })
        expect(res.statusCode, JSON.stringify(body)).toBe(400)
        expect(res.headers['x-error-code']).toBe('VALIDATION_FAILED')
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
      }
      const { rows } = await ctx.pool.query("select count(*)::int as n from webhook_secret_rotations where api_key_id = $1 and kind <> 'customer'", [key.apiKeyId])
      expect(rows[0].n).toBe(0)
      expect((await ctx.secretSlots(key.apiKeyId)).raw).toEqual(before.raw)
    })

    it(`returns 404 RESOURCE_NOT_FOUND when ${action} names an unknown or malformed key id`, async () => {
      const ctx = await buildTestContext({ databaseUrl })
      const op = await createOperator(ctx, operatorName('ivan'))
      const count = async () => (await ctx.pool.query('select count(*)::int as n from webhook_secret_rotations')).rows[0].n as number
      const before = await count()

      for (const keyId of [randomUUID(), 'not-a-uuid', '123']) {
        const res = await operatorAction(ctx, op.token, keyId, action)
        expect(res.statusCode, keyId).toBe(404)
        expect(res.headers['x-error-code']).toBe('RESOURCE_NOT_FOUND')
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
      }
      expect(await count()).toBe(before)
    })
  }
})

describe('GET /v1/admin/api-keys/{keyId}', () => {
  it('returns 404 RESOURCE_NOT_FOUND when the key id is unknown or malformed', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false })
    const op = await createOperator(ctx, operatorName('judy'))
    for (const keyId of [randomUUID(), 'not-a-uuid']) {
      const res = await adminGet(ctx, op.token, `/v1/admin/api-keys/${keyId}`)
      expect(res.statusCode, keyId).toBe(404)
      expect(res.headers['x-error-code']).toBe('RESOURCE_NOT_FOUND')
    }
  })
})

describe('POST /v1/admin/api-keys/{keyId}/webhook-secret/{action} on a revoked key', () => {
  for (const action of ['rollback', 'recover', 'expire-previous']) {
    it(`returns 409 KEY_REVOKED, not the 401 API_KEY_REVOKED of authentication, and records nothing when ${action} names a revoked key`, async () => {
      const ctx = await buildTestContext({ databaseUrl })
      const op = await createOperator(ctx, operatorName('revoked'))
      const key = await rotatedKey(ctx)
      await revokeKey(ctx.pool, key.apiKeyId, { actorType: 'operator', actor: 'test' })
      // The sweep erases a revoked key's secrets on its own schedule: let it, so the snapshot cannot move under the request.
      await eventually(async () => (await ctx.pool.query('select secrets_erased_at from api_keys where id = $1', [key.apiKeyId])).rows[0].secrets_erased_at !== null)
      const before = await ctx.pool.query('select * from api_keys where id = $1', [key.apiKeyId])
      const retainedBefore = await retainedRows(ctx, key.apiKeyId)

      const res = await operatorAction(ctx, op.token, key.apiKeyId, action)

      expect(res.statusCode).toBe(409)
      expect(res.headers['x-error-code']).toBe('KEY_REVOKED')
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
      expect(json(res)).toMatchObject({ code: 'KEY_REVOKED', status: 409, type: '/v1/errors/KEY_REVOKED' })
      expect(await operatorRotations(ctx, key.apiKeyId, `operator_${action.replace('-', '_')}`)).toEqual([])
      const after = await ctx.pool.query('select * from api_keys where id = $1', [key.apiKeyId])
      expect(after.rows).toEqual(before.rows)
      expect(await retainedRows(ctx, key.apiKeyId)).toEqual(retainedBefore)
    })
  }

  it('fails an action with KEY_REVOKED when the key is revoked after the request and before the worker runs it', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false })
    const op = await createOperator(ctx, operatorName('race'))
    const key = await ctx.createKey()
    const accepted = await ctx.app.inject({
      method: 'POST',
      url: `/v1/admin/api-keys/${key.apiKeyId}/webhook-secret/recover`,
      headers: { authorization: `Bearer ${op.token}`, prefer: 'respond-async', 'content-type': 'application/json' },
      payload: JSON.stringify({ reason: 'ticket 1' }),
    })
    expect(accepted.statusCode).toBe(202)
    await revokeKey(ctx.pool, key.apiKeyId, { actorType: 'operator', actor: 'test' })

    ctx.startWorker()

    const rotation = await eventually(async () => {
      const body = json(await adminGet(ctx, op.token, `/v1/admin/rotations/${json(accepted).rotation.id}`))
      return body.rotation.status === 'failed' && body.rotation
    })
    expect(rotation.error).toMatchObject({ code: 'KEY_REVOKED' })
    // Nothing rotated (the sweep may meanwhile have erased the revoked key's secrets, so compare versions).
    const { rows: [after] } = await ctx.pool.query('select secret_version, last_rotation_id from api_keys where id = $1', [key.apiKeyId])
    expect(after).toEqual({ secret_version: 1, last_rotation_id: null })
  })
})
