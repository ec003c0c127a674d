import { randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { aad, createSecretBox } from '../../../src/crypto/secret-box.js'
import { generateOperatorToken } from '../../../src/crypto/tokens.js'
import { createOperator } from '../../fixtures/operators.js'
import { buildTestContext, createTestDatabase, json, type TestContext } from '../../helper.js'

let databaseUrl: string
beforeAll(async () => { databaseUrl = await createTestDatabase() })

function action (ctx: TestContext, keyId: string, name: string, authorization: Record<string, string>, body: unknown = { reason: 'ticket 1' }) {
  return ctx.app.inject({
    method: 'POST',
    url: `/v1/admin/api-keys/${keyId}/webhook-secret/${name}`,
    headers: { ...authorization, 'content-type': 'application/json' },
    payload: JSON.stringify(body),
  })
}

async function keyState (ctx: TestContext, keyId: string) {
  const { rows: [row] } = await ctx.pool.query('select webhook_secret, webhook_secret_previous, previous_retained_until, secret_version from api_keys where id = $1', [keyId])
  const box = createSecretBox(ctx.config.SECRET_ENCRYPTION_KEYS)
  return {
    raw: row,
    current: box.decrypt(row.webhook_secret, aad.current(keyId)),
    previous: row.webhook_secret_previous === null ? null : box.decrypt(row.webhook_secret_previous, aad.previous(keyId)),
  }
}

describe('operator routes', () => {
  it('refuse customer keys and missing, malformed, unknown and revoked tokens, changing nothing', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false })
    const key = await ctx.createKey()
    const revoked = await createOperator(ctx, 'former-staff')
    await ctx.pool.query('update operator_tokens set revoked_at = now() where name = $1', [revoked.name])
    const cases: [Record<string, string>, number, string][] = [
      [{}, 401, 'OPERATOR_TOKEN_MISSING'],
      [{ 'x-api-key': key.apiKey }, 403, 'OPERATOR_ONLY'],
      [{ authorization: `Bearer ${key.apiKey}` }, 403, 'OPERATOR_ONLY'],
      [{ authorization: 'Bearer abc' }, 401, 'OPERATOR_TOKEN_INVALID'],
      [{ authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }, 401, 'OPERATOR_TOKEN_INVALID'],
      [{ authorization: `Bearer ${generateOperatorToken()}` }, 401, 'OPERATOR_TOKEN_INVALID'],
      [{ authorization: `Bearer ${revoked.token}` }, 401, 'OPERATOR_TOKEN_REVOKED'],
    ]
    const routes = [
      (h: Record<string, string>) => action(ctx, key.apiKeyId, 'rollback', h),
      (h: Record<string, string>) => action(ctx, key.apiKeyId, 'recover', h),
      (h: Record<string, string>) => action(ctx, key.apiKeyId, 'expire-previous', h),
      (h: Record<string, string>) => ctx.app.inject({ method: 'GET', url: `/v1/admin/api-keys/${key.apiKeyId}`, headers: h }),
      (h: Record<string, string>) => ctx.app.inject({ method: 'GET', url: `/v1/admin/rotations/${randomUUID()}`, headers: h }),
      (h: Record<string, string>) => ctx.app.inject({ method: 'GET', url: '/v1/admin/audit-events', headers: h }),
      (h: Record<string, string>) => ctx.app.inject({ method: 'GET', url: '/admin/queues', headers: h }),
    ]
    for (const [headers, status, code] of cases) {
      for (const call of routes) {
        const res = await call(headers)
        expect(res.statusCode, `${code} ${JSON.stringify(Object.keys(headers))}`).toBe(status)
        expect(res.headers['x-error-code']).toBe(code)
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
      }
    }
    const { rows } = await ctx.pool.query('select count(*)::int as n from webhook_secret_rotations')
    expect(rows[0].n).toBe(0)
    expect((await keyState(ctx, key.apiKeyId)).raw.secret_version).toBe(1)

    const live = await createOperator(ctx, 'alice')
    const board = await ctx.app.inject({ method: 'GET', url: '/admin/queues', headers: { authorization: `Bearer ${live.token}` } })
    expect(board.statusCode).toBe(200)
    expect(board.headers['content-type']).toMatch(/text\/html/)
  })

  it('refuse a rollback after the window with 409 ROLLBACK_WINDOW_CLOSED, and nothing changes', async () => {
    const ctx = await buildTestContext({ databaseUrl, env: { PREVIOUS_SECRET_RETENTION_SECONDS: '1' } })
    const key = await ctx.createKey()
    const op = await createOperator(ctx, 'bob')
    expect((await ctx.rotate(key.apiKey, { idempotencyKey: randomUUID() })).statusCode).toBe(200)
    await new Promise((resolve) => setTimeout(resolve, 1100)) // the 1 s window ends
    const before = await keyState(ctx, key.apiKeyId)

    const res = await action(ctx, key.apiKeyId, 'rollback', { authorization: `Bearer ${op.token}` })

    expect(res.statusCode).toBe(409)
    expect(res.headers['x-error-code']).toBe('ROLLBACK_WINDOW_CLOSED')
    expect(json(res)).toMatchObject({ code: 'ROLLBACK_WINDOW_CLOSED', rotationId: expect.any(String) })
    expect((await keyState(ctx, key.apiKeyId)).raw).toEqual(before.raw)
  })

  it('leave exactly one audit event per action, with the operator name, reason, key id and request id', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const key = await ctx.createKey()
    const op = await createOperator(ctx, 'carol')
    const auth = { authorization: `Bearer ${op.token}` }
    expect((await ctx.rotate(key.apiKey, { idempotencyKey: randomUUID() })).statusCode).toBe(200)

    const expected: [string, string][] = [['recover', 'webhook_secret.recovered'], ['rollback', 'webhook_secret.rolled_back'], ['expire-previous', 'webhook_secret.previous_expired']]
    for (const [name, auditAction] of expected) {
      const reason = `ticket for ${name}`
      const res = await action(ctx, key.apiKeyId, name, auth, { reason })
      expect(res.statusCode, name).toBe(200)
      const { rows } = await ctx.pool.query(
        'select actor_type, actor, reason, api_key_id, request_id, rotation_id from audit_events where action = $1', [auditAction])
      expect(rows).toEqual([{
        actor_type: 'operator', actor: 'carol', reason, api_key_id: key.apiKeyId, request_id: res.headers['x-request-id'], rotation_id: json(res).rotation.id,
      }])
    }
    // Rollback after a recovery restored the secret the customer had before the recovery.
    const state = await keyState(ctx, key.apiKeyId)
    expect(state.previous).toBeNull()

    const trail = json(await ctx.app.inject({ method: 'GET', url: `/v1/admin/audit-events?apiKeyId=${key.apiKeyId}&limit=2`, headers: auth }))
    expect(trail.data.map((e: { action: string }) => e.action)).toEqual(['webhook_secret.previous_expired', 'webhook_secret.rolled_back'])
    expect(trail.pagination.hasMore).toBe(true)
    const next = json(await ctx.app.inject({ method: 'GET', url: `/v1/admin/audit-events?apiKeyId=${key.apiKeyId}&limit=2&cursor=${trail.pagination.cursor}`, headers: auth }))
    expect(Number(next.data[0].id)).toBeLessThan(Number(trail.data[1].id))

    const mine = json(await ctx.get(key.apiKey, '/v1/auth/api-keys/me/audit-events?limit=100')).data
    const rollback = mine.find((e: { action: string }) => e.action === 'webhook_secret.rolled_back')
    expect(rollback).toMatchObject({ actorType: 'operator', actor: 'operator', sourceIp: null, reason: 'ticket for rollback' })
    const view = await ctx.app.inject({ method: 'GET', url: `/v1/admin/api-keys/${key.apiKeyId}`, headers: auth })
    expect(json(view).apiKey).toMatchObject({ id: key.apiKeyId, previousHeld: false })
    expect(json(view).apiKey.recentRotations.length).toBeGreaterThanOrEqual(4)
    expect(view.body).not.toMatch(/whsec_/)
  })
})
