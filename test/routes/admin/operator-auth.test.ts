import { randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { generateOperatorToken } from '../../../src/crypto/tokens.js'
import { createOperator } from '../../fixtures/operators.js'
import { buildTestContext, createTestDatabase, json, type TestContext } from '../../helper.js'

let databaseUrl: string
beforeAll(async () => { databaseUrl = await createTestDatabase() })

type Headers = Record<string, string>
type Key = Awaited<ReturnType<TestContext['createKey']>>

interface Route {
  method: 'GET' | 'POST'
  name: string
  url: (keyId: string, rotationId: string) => string
  body?: unknown
}

const ROUTES: Route[] = [
  { method: 'POST', name: '/v1/admin/api-keys/{keyId}/webhook-secret/rollback', url: (k) => `/v1/admin/api-keys/${k}/webhook-secret/rollback`, body: { reason: 'x' } },
  { method: 'POST', name: '/v1/admin/api-keys/{keyId}/webhook-secret/recover', url: (k) => `/v1/admin/api-keys/${k}/webhook-secret/recover`, body: { reason: 'x' } },
  { method: 'POST', name: '/v1/admin/api-keys/{keyId}/webhook-secret/expire-previous', url: (k) => `/v1/admin/api-keys/${k}/webhook-secret/expire-previous`, body: { reason: 'x' } },
  { method: 'GET', name: '/v1/admin/rotations/{id}', url: (_k, r) => `/v1/admin/rotations/${r}` },
  { method: 'POST', name: '/v1/admin/rotations/{id}/acknowledge', url: (_k, r) => `/v1/admin/rotations/${r}/acknowledge` },
  { method: 'GET', name: '/v1/admin/api-keys/{keyId}', url: (k) => `/v1/admin/api-keys/${k}` },
  { method: 'GET', name: '/v1/admin/audit-events', url: () => '/v1/admin/audit-events' },
  { method: 'GET', name: '/admin/queues', url: () => '/admin/queues' },
]

interface Refusal {
  when: string
  status: number
  code: string
  headers: (ctx: TestContext, key: Key) => Promise<Headers>
}

const REFUSALS: Refusal[] = [
  { when: 'no credentials are sent', status: 401, code: 'OPERATOR_TOKEN_MISSING', headers: async () => ({}) },
  { when: 'a customer API key is sent in X-API-Key', status: 403, code: 'OPERATOR_ONLY', headers: async (_ctx, key) => ({ 'x-api-key': key.apiKey }) },
  { when: 'a customer API key is sent as a Bearer token', status: 403, code: 'OPERATOR_ONLY', headers: async (_ctx, key) => ({ authorization: `Bearer ${key.apiKey}` }) },
  { when: 'the bearer token is malformed (Bearer abc)', status: 401, code: 'OPERATOR_TOKEN_INVALID', headers: async () => ({ authorization: 'Bearer abc' }) },
  { when: 'the Authorization scheme is not Bearer (Basic x)', status: 401, code: 'OPERATOR_TOKEN_INVALID', headers: async () => ({ authorization: 'Basic x' }) },
  { when: 'the token is well formed but unknown', status: 401, code: 'OPERATOR_TOKEN_INVALID', headers: async () => ({ authorization: `Bearer ${generateOperatorToken()}` }) },
  {
    when: 'the operator token was revoked',
    status: 401,
    code: 'OPERATOR_TOKEN_REVOKED',
    headers: async (ctx) => {
      const op = await createOperator(ctx, `revoked-${randomUUID().slice(0, 8)}`)
      await ctx.pool.query('update operator_tokens set revoked_at = now() where name = $1', [op.name])
      return { authorization: `Bearer ${op.token}` }
    },
  },
]

/** The key's secrets as stored: the current one and every retained secret, in force or ended, with its window. */
async function keySnapshot (ctx: TestContext, keyId: string) {
  const { rows: [row] } = await ctx.pool.query(
    `select webhook_secret, secret_rotated_at, last_rotation_id, secret_version, current_secret_rotation_id
     from api_keys where id = $1`, [keyId])
  const { rows: retained } = await ctx.pool.query(
    `select secret_version, secret, rotation_id, confirmed_at, retained_since, retained_until, ended_at, ended_reason
     from retained_webhook_secrets where api_key_id = $1 order by secret_version`, [keyId])
  return { ...row, retained }
}

async function rotationCount (ctx: TestContext) {
  const { rows: [row] } = await ctx.pool.query('select count(*)::int as n from webhook_secret_rotations')
  return row.n as number
}

for (const route of ROUTES) {
  describe(`${route.method} ${route.name}`, () => {
    for (const refusal of REFUSALS) {
      it(`returns ${refusal.status} ${refusal.code} as problem+json and changes nothing when ${refusal.when}`, async () => {
        const ctx = await buildTestContext({ databaseUrl })
        const key = await ctx.createKey()
        // A real rotation of the key, so the rotation routes name something that exists.
        const rotated = await ctx.rotate(key.apiKey, { idempotencyKey: randomUUID() })
        expect(rotated.statusCode).toBe(200)
        const rotationId = json(rotated).webhookSecret.rotationId as string
        const before = await keySnapshot(ctx, key.apiKeyId)
        // The secret issued with the key keeps signing in its window: the snapshot covers a retained secret in force.
        expect(before.retained).toMatchObject([{ secret_version: 1, ended_at: null }])
        const rotationsBefore = await rotationCount(ctx)
        const headers = await refusal.headers(ctx, key)

        const res = await ctx.app.inject({
          method: route.method,
          url: route.url(key.apiKeyId, rotationId),
          headers: { ...headers, ...(route.body !== undefined ? { 'content-type': 'application/json' } : {}) },
          ...(route.body !== undefined ? { payload: JSON.stringify(route.body) } : {}),
        })

        expect(res.statusCode).toBe(refusal.status)
        expect(res.headers['x-error-code']).toBe(refusal.code)
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
        expect(json(res)).toMatchObject({ code: refusal.code, status: refusal.status, requestId: res.headers['x-request-id'] })
        expect(await rotationCount(ctx)).toBe(rotationsBefore)
        expect(await keySnapshot(ctx, key.apiKeyId)).toEqual(before)
        // The held secret of the customer's rotation was not touched either.
        const { rows: [held] } = await ctx.pool.query('select held_secret is not null as held, secret_erased_at from webhook_secret_rotations where id = $1', [rotationId])
        expect(held).toEqual({ held: true, secret_erased_at: null })
      })
    }
  })
}

describe('GET /admin/queues', () => {
  it('returns 200 HTML when a live operator token is sent', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false })
    const op = await createOperator(ctx, `dash-${randomUUID().slice(0, 8)}`)

    const res = await ctx.app.inject({ method: 'GET', url: '/admin/queues', headers: { authorization: `Bearer ${op.token}` } })

    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toMatch(/^text\/html/)
  })
})
