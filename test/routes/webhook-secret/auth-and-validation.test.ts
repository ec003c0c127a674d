import { randomUUID } from 'node:crypto'
import type { LightMyRequestResponse } from 'fastify'
import { beforeAll, describe, expect, it } from 'vitest'
import { buildTestContext, createTestDatabase, json, ROTATE_PATH, ROTATIONS_PATH, type TestContext } from '../../helper.js'

let databaseUrl: string
beforeAll(async () => { databaseUrl = await createTestDatabase() })

const SECRET_PATH = '/v1/auth/api-keys/me/webhook-secret'

/** Titles from SPEC section 4; codes the SPEC table does not name only need some title. */
const SPEC_TITLES: Record<string, string> = {
  API_KEY_MISSING: 'Authentication required',
  API_KEY_MALFORMED: 'Authentication required',
  API_KEY_INVALID: 'Authentication required',
  API_KEY_REVOKED: 'API key revoked',
  API_KEY_EXPIRED: 'API key expired',
  INSUFFICIENT_SCOPE: 'Insufficient scope',
  IP_NOT_ALLOWED: 'IP not allowed',
  RESOURCE_NOT_FOUND: 'Resource not found',
  VALIDATION_FAILED: 'Validation failed',
  IDEMPOTENCY_KEY_FORMAT_INVALID: 'Idempotency key format invalid',
  IDEMPOTENCY_KEY_TOO_LONG: 'Idempotency key too long',
  IDEMPOTENCY_KEY_CONFLICT: 'Idempotency key conflict',
  IDEMPOTENCY_KEY_EXPIRED: 'Idempotency key expired',
  WEBHOOK_NOT_CONFIGURED: 'Webhook not configured',
}

/** Asserts an RFC 9457 problem of this service, and returns its body. */
function expectProblem (res: LightMyRequestResponse, status: number, code: string, path: string) {
  expect(res.statusCode, res.body).toBe(status)
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
  expect(res.headers['x-error-code']).toBe(code)
  const requestId = res.headers['x-request-id']
  expect(requestId).toEqual(expect.any(String))
  const body = json(res)
  expect(body).toMatchObject({
    type: `/v1/errors/${code}`,
    title: SPEC_TITLES[code] ?? expect.any(String),
    status,
    code,
    detail: expect.any(String),
    instance: path,
    requestId,
  })
  expect(body.title.length).toBeGreaterThan(0)
  expect(body.detail.length).toBeGreaterThan(0)
  expect(body).not.toHaveProperty('stack')
  return body
}

async function rotationRows (ctx: TestContext, apiKeyId: string) {
  const { rows } = await ctx.pool.query('select count(*)::int as n from webhook_secret_rotations where api_key_id = $1', [apiKeyId])
  return rows[0].n as number
}

async function allRotationRows (ctx: TestContext) {
  const { rows } = await ctx.pool.query('select count(*)::int as n from webhook_secret_rotations')
  return rows[0].n as number
}

async function secretVersion (ctx: TestContext, apiKeyId: string) {
  const { rows } = await ctx.pool.query('select secret_version from api_keys where id = $1', [apiKeyId])
  return rows[0].secret_version as number
}

/** Runs a refused POST rotate and checks that it changed nothing for the key (and nothing at all). */
async function expectRotateChangedNothing (ctx: TestContext, apiKeyId: string, send: () => Promise<LightMyRequestResponse>) {
  const versionBefore = await secretVersion(ctx, apiKeyId)
  const allBefore = await allRotationRows(ctx)
  const rowsBefore = await rotationRows(ctx, apiKeyId)
  const res = await send()
  // Give a wrongly queued job the chance to run before looking.
  await new Promise((resolve) => setTimeout(resolve, 100))
  expect(await rotationRows(ctx, apiKeyId)).toBe(rowsBefore)
  expect(await allRotationRows(ctx)).toBe(allBefore)
  expect(await secretVersion(ctx, apiKeyId)).toBe(versionBefore)
  return res
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

interface CustomerRoute {
  method: 'GET' | 'POST'
  /** The route as the SPEC names it. */
  name: string
  /** A concrete path; for the routes with an id, one of a rotation that does not exist. */
  path: string
  isRotate: boolean
  /** A request the key should be allowed to make, with what it needs set up first; returns the path used. */
  accepted: (ctx: TestContext, apiKey: string) => Promise<{ res: LightMyRequestResponse; path: string }>
}

async function rotateOnce (ctx: TestContext, apiKey: string) {
  const res = await ctx.rotate(apiKey, { idempotencyKey: randomUUID() })
  expect(res.statusCode, res.body).toBe(200)
  return json(res).webhookSecret.rotationId as string
}

const missingId = randomUUID()
const CUSTOMER_ROUTES: CustomerRoute[] = [
  {
    method: 'POST',
    name: `POST ${ROTATE_PATH}`,
    path: ROTATE_PATH,
    isRotate: true,
    accepted: async (ctx, apiKey) => ({ res: await ctx.rotate(apiKey, { idempotencyKey: randomUUID() }), path: ROTATE_PATH }),
  },
  {
    method: 'GET',
    name: `GET ${ROTATIONS_PATH}/{id}`,
    path: `${ROTATIONS_PATH}/${missingId}`,
    isRotate: false,
    accepted: async (ctx, apiKey) => {
      const path = `${ROTATIONS_PATH}/${await rotateOnce(ctx, apiKey)}`
      return { res: await ctx.get(apiKey, path), path }
    },
  },
  {
    method: 'GET',
    name: `GET ${ROTATIONS_PATH}`,
    path: ROTATIONS_PATH,
    isRotate: false,
    accepted: async (ctx, apiKey) => ({ res: await ctx.get(apiKey, ROTATIONS_PATH), path: ROTATIONS_PATH }),
  },
  {
    method: 'POST',
    name: `POST ${ROTATIONS_PATH}/{id}/acknowledge`,
    path: `${ROTATIONS_PATH}/${missingId}/acknowledge`,
    isRotate: false,
    accepted: async (ctx, apiKey) => {
      const path = `${ROTATIONS_PATH}/${await rotateOnce(ctx, apiKey)}/acknowledge`
      return { res: await ctx.post(apiKey, path), path }
    },
  },
  {
    method: 'GET',
    name: `GET ${SECRET_PATH}`,
    path: SECRET_PATH,
    isRotate: false,
    accepted: async (ctx, apiKey) => ({ res: await ctx.get(apiKey, SECRET_PATH), path: SECRET_PATH }),
  },
]

function send (ctx: TestContext, route: CustomerRoute, headers: Record<string, string>) {
  return ctx.app.inject({ method: route.method, url: route.path, headers })
}

for (const route of CUSTOMER_ROUTES) {
  describe(route.name, () => {
    /** Sends the refused request; for POST rotate also checks that nothing changed for `apiKeyId`. */
    async function refused (ctx: TestContext, apiKeyId: string, headers: Record<string, string>) {
      if (!route.isRotate) return send(ctx, route, headers)
      return expectRotateChangedNothing(ctx, apiKeyId, () => send(ctx, route, headers))
    }

    it('returns 401 API_KEY_MISSING when no X-API-Key is sent', async () => {
      const ctx = await buildTestContext({ databaseUrl })
      const bystander = await ctx.createKey()
      const res = await refused(ctx, bystander.apiKeyId, {})
      expectProblem(res, 401, 'API_KEY_MISSING', route.path)
    })

    it('returns 401 API_KEY_MALFORMED when the X-API-Key is not kash_<env>_<32 base62>', async () => {
      const ctx = await buildTestContext({ databaseUrl })
      const bystander = await ctx.createKey()
      for (const malformed of ['kash_test_short', 'sk_live_0123456789abcdefghijABCDEFGHIJ01', `${bystander.apiKey}x`, bystander.apiKey.replace('kash_test_', 'kash_prod_')]) {
        const res = await refused(ctx, bystander.apiKeyId, { 'x-api-key': malformed })
        const body = expectProblem(res, 401, 'API_KEY_MALFORMED', route.path)
        expect(JSON.stringify(body)).not.toContain(malformed)
      }
    })

    it('returns 401 API_KEY_INVALID when a well-formed key does not exist', async () => {
      const ctx = await buildTestContext({ databaseUrl })
      const bystander = await ctx.createKey()
      const unknown = `kash_test_${'A1b2C3d4'.repeat(4)}`
      const res = await refused(ctx, bystander.apiKeyId, { 'x-api-key': unknown })
      expectProblem(res, 401, 'API_KEY_INVALID', route.path)
    })

    it('returns 401 API_KEY_REVOKED when the key was revoked', async () => {
      const ctx = await buildTestContext({ databaseUrl })
      const key = await ctx.createKey()
      await ctx.pool.query('update api_keys set revoked_at = now() where id = $1', [key.apiKeyId])
      const res = await refused(ctx, key.apiKeyId, { 'x-api-key': key.apiKey })
      expectProblem(res, 401, 'API_KEY_REVOKED', route.path)
    })

    it('returns 401 API_KEY_EXPIRED when the key is past its expiry', async () => {
      const ctx = await buildTestContext({ databaseUrl })
      const key = await ctx.createKey({ expiresAt: new Date(Date.now() - 1000) })
      const res = await refused(ctx, key.apiKeyId, { 'x-api-key': key.apiKey })
      expectProblem(res, 401, 'API_KEY_EXPIRED', route.path)
    })

    it('returns 403 INSUFFICIENT_SCOPE when the key has neither webhooks:manage nor auth:manage', async () => {
      const ctx = await buildTestContext({ databaseUrl })
      const key = await ctx.createKey({ scopes: ['other:read'] })
      const res = await refused(ctx, key.apiKeyId, { 'x-api-key': key.apiKey })
      expectProblem(res, 403, 'INSUFFICIENT_SCOPE', route.path)
    })

    it('accepts a key whose only scope is auth:manage', async () => {
      const ctx = await buildTestContext({ databaseUrl })
      const key = await ctx.createKey({ scopes: ['auth:manage'] })
      const { res } = await route.accepted(ctx, key.apiKey)
      expect(res.statusCode, res.body).toBe(200)
    })

    it('accepts a key whose only scope is webhooks:manage', async () => {
      const ctx = await buildTestContext({ databaseUrl })
      const key = await ctx.createKey({ scopes: ['webhooks:manage'] })
      const { res } = await route.accepted(ctx, key.apiKey)
      expect(res.statusCode, res.body).toBe(200)
      expect(res.headers['x-request-id']).toEqual(expect.any(String))
    })

    it('returns 403 IP_NOT_ALLOWED when the caller is outside the key\'s IP allowlist', async () => {
      const ctx = await buildTestContext({ databaseUrl })
      const key = await ctx.createKey({ ipAllowlist: ['10.0.0.0/8'] })
      const res = await refused(ctx, key.apiKeyId, { 'x-api-key': key.apiKey })
      expectProblem(res, 403, 'IP_NOT_ALLOWED', route.path)
    })

    it('accepts a caller whose address is on the key\'s IP allowlist, as an address or a CIDR', async () => {
      const ctx = await buildTestContext({ databaseUrl })
      for (const ipAllowlist of [['127.0.0.1'], ['127.0.0.0/8'], ['10.0.0.0/8', '127.0.0.1/32']]) {
        const key = await ctx.createKey({ ipAllowlist })
        const { res } = await route.accepted(ctx, key.apiKey)
        expect(res.statusCode, `${ipAllowlist.join(',')}: ${res.body}`).toBe(200)
      }
    })
  })
}

describe(`POST ${ROTATE_PATH}`, () => {
  describe('Idempotency-Key', () => {
    it('returns 400 IDEMPOTENCY_KEY_TOO_LONG when the key has 256 characters, and changes nothing', async () => {
      const ctx = await buildTestContext({ databaseUrl })
      const key = await ctx.createKey()
      const res = await expectRotateChangedNothing(ctx, key.apiKeyId, () => ctx.rotate(key.apiKey, { idempotencyKey: 'a'.repeat(256) }))
      expectProblem(res, 400, 'IDEMPOTENCY_KEY_TOO_LONG', ROTATE_PATH)
    })

    it('returns 400 IDEMPOTENCY_KEY_FORMAT_INVALID when the key has characters outside [A-Za-z0-9_-:.], and changes nothing', async () => {
      const ctx = await buildTestContext({ databaseUrl })
      const key = await ctx.createKey()
      for (const idempotencyKey of ['bad key!', 'é', 'a/b', '']) {
        const res = await expectRotateChangedNothing(ctx, key.apiKeyId, () => ctx.rotate(key.apiKey, { idempotencyKey }))
        expectProblem(res, 400, 'IDEMPOTENCY_KEY_FORMAT_INVALID', ROTATE_PATH)
      }
    })

    it('accepts a key of exactly 255 allowed characters', async () => {
      const ctx = await buildTestContext({ databaseUrl })
      const key = await ctx.createKey()
      const idempotencyKey = 'Az09_-:.'.repeat(32).slice(0, 255)
      expect(idempotencyKey).toHaveLength(255)
      const res = await ctx.rotate(key.apiKey, { idempotencyKey })
      expect(res.statusCode, res.body).toBe(200)
      const { rows } = await ctx.pool.query('select idempotency_key from webhook_secret_rotations where api_key_id = $1', [key.apiKeyId])
      expect(rows.map((r) => r.idempotency_key)).toEqual([idempotencyKey])
    })

    it('returns 409 IDEMPOTENCY_KEY_CONFLICT when the same key comes with a different body, and rotates only once', async () => {
      const ctx = await buildTestContext({ databaseUrl })
      const key = await ctx.createKey()
      const idempotencyKey = randomUUID()
      const first = await ctx.rotate(key.apiKey, { idempotencyKey, body: { reason: 'a' } })
      expect(first.statusCode, first.body).toBe(200)

      const res = await expectRotateChangedNothing(ctx, key.apiKeyId, () => ctx.rotate(key.apiKey, { idempotencyKey, body: { reason: 'b' } }))
      expectProblem(res, 409, 'IDEMPOTENCY_KEY_CONFLICT', ROTATE_PATH)
      expect(await rotationRows(ctx, key.apiKeyId)).toBe(1)
      expect(await secretVersion(ctx, key.apiKeyId)).toBe(2)
    })

    it('returns 410 IDEMPOTENCY_KEY_EXPIRED when the key is replayed after the retention, and rotates only once', async () => {
      const ctx = await buildTestContext({ databaseUrl, env: { IDEMPOTENCY_RETENTION_SECONDS: '1' } })
      const key = await ctx.createKey()
      const idempotencyKey = randomUUID()
      const first = await ctx.rotate(key.apiKey, { idempotencyKey })
      expect(first.statusCode, first.body).toBe(200)
      await sleep(1200)

      const res = await expectRotateChangedNothing(ctx, key.apiKeyId, () => ctx.rotate(key.apiKey, { idempotencyKey }))
      expectProblem(res, 410, 'IDEMPOTENCY_KEY_EXPIRED', ROTATE_PATH)
      expect(await rotationRows(ctx, key.apiKeyId)).toBe(1)
      expect(await secretVersion(ctx, key.apiKeyId)).toBe(2)
    })
  })

  describe('body', () => {
    it('returns 400 VALIDATION_FAILED naming body.reason when the reason is longer than 500 characters, and changes nothing', async () => {
      const ctx = await buildTestContext({ databaseUrl })
      const key = await ctx.createKey()
      const res = await expectRotateChangedNothing(ctx, key.apiKeyId, () => ctx.rotate(key.apiKey, { idempotencyKey: randomUUID(), body: { reason: 'x'.repeat(501) } }))
      const problem = expectProblem(res, 400, 'VALIDATION_FAILED', ROTATE_PATH)
      expect(problem.detail).toContain('body.reason')
    })

    it('accepts a reason of exactly 500 characters', async () => {
      const ctx = await buildTestContext({ databaseUrl })
      const key = await ctx.createKey()
      const res = await ctx.rotate(key.apiKey, { idempotencyKey: randomUUID(), body: { reason: 'x'.repeat(500) } })
      expect(res.statusCode, res.body).toBe(200)
    })

    it('returns 400 VALIDATION_FAILED when the body has an unknown field, and changes nothing', async () => {
      const ctx = await buildTestContext({ databaseUrl })
      const key = await ctx.createKey()
      const res = await expectRotateChangedNothing(ctx, key.apiKeyId, () => ctx.rotate(key.apiKey, { idempotencyKey: randomUUID(), body: { foo: 1 } }))
      expectProblem(res, 400, 'VALIDATION_FAILED', ROTATE_PATH)
    })

    it('returns 400 VALIDATION_FAILED when the reason is not a string, and changes nothing', async () => {
      const ctx = await buildTestContext({ databaseUrl })
      const key = await ctx.createKey()
      const res = await expectRotateChangedNothing(ctx, key.apiKeyId, () => ctx.rotate(key.apiKey, { idempotencyKey: randomUUID(), body: { reason: 42 } }))
      const problem = expectProblem(res, 400, 'VALIDATION_FAILED', ROTATE_PATH)
      expect(problem.detail).toContain('body.reason')
    })

    it('returns 400 VALIDATION_FAILED when the body is not valid JSON, and changes nothing', async () => {
      const ctx = await buildTestContext({ databaseUrl })
      const key = await ctx.createKey()
      const res = await expectRotateChangedNothing(ctx, key.apiKeyId, () => ctx.app.inject({
        method: 'POST', url: ROTATE_PATH, headers: { 'x-api-key': key.apiKey, 'content-type': 'application/json' }, payload: '{',
      }))
      expectProblem(res, 400, 'VALIDATION_FAILED', ROTATE_PATH)
    })

    it('returns 413 PAYLOAD_TOO_LARGE when the body is 20 KiB, and changes nothing', async () => {
      const ctx = await buildTestContext({ databaseUrl })
      const key = await ctx.createKey()
      const payload = JSON.stringify({ reason: 'x'.repeat(20 * 1024) })
      const res = await expectRotateChangedNothing(ctx, key.apiKeyId, () => ctx.app.inject({
        method: 'POST', url: ROTATE_PATH, headers: { 'x-api-key': key.apiKey, 'content-type': 'application/json' }, payload,
      }))
      expectProblem(res, 413, 'PAYLOAD_TOO_LARGE', ROTATE_PATH)
    })

    it('returns 415 UNSUPPORTED_MEDIA_TYPE when the body is text/plain, and changes nothing', async () => {
      const ctx = await buildTestContext({ databaseUrl })
      const key = await ctx.createKey()
      const res = await expectRotateChangedNothing(ctx, key.apiKeyId, () => ctx.app.inject({
        method: 'POST', url: ROTATE_PATH, headers: { 'x-api-key': key.apiKey, 'content-type': 'text/plain' }, payload: 'rotate please',
      }))
      expectProblem(res, 415, 'UNSUPPORTED_MEDIA_TYPE', ROTATE_PATH)
    })

    it('accepts an empty body sent as application/json', async () => {
      const ctx = await buildTestContext({ databaseUrl })
      const key = await ctx.createKey()
      const res = await ctx.app.inject({
        method: 'POST', url: ROTATE_PATH, headers: { 'x-api-key': key.apiKey, 'content-type': 'application/json', 'idempotency-key': randomUUID() }, payload: '',
      })
      expect(res.statusCode, res.body).toBe(200)
      expect(json(res).webhookSecret.secret).toMatch(/^whsec_/)
    })
  })

  it('returns 409 WEBHOOK_NOT_CONFIGURED when the key has no webhook, and changes nothing', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const key = await ctx.createKey({ webhookUrl: null })
    const res = await expectRotateChangedNothing(ctx, key.apiKeyId, () => ctx.rotate(key.apiKey, { idempotencyKey: randomUUID() }))
    expectProblem(res, 409, 'WEBHOOK_NOT_CONFIGURED', ROTATE_PATH)
    expect(await rotationRows(ctx, key.apiKeyId)).toBe(0)
  })
})

describe(`GET ${ROTATIONS_PATH}/{id}`, () => {
  it('returns 404 RESOURCE_NOT_FOUND when the id is not a uuid', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const key = await ctx.createKey()
    const path = `${ROTATIONS_PATH}/not-a-uuid`
    expectProblem(await ctx.get(key.apiKey, path), 404, 'RESOURCE_NOT_FOUND', path)
  })

  it('returns 404 RESOURCE_NOT_FOUND when no rotation has the id', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const key = await ctx.createKey()
    const path = `${ROTATIONS_PATH}/${randomUUID()}`
    expectProblem(await ctx.get(key.apiKey, path), 404, 'RESOURCE_NOT_FOUND', path)
  })

  it('returns 404 RESOURCE_NOT_FOUND, not the secret, when the rotation belongs to another key', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const a = await ctx.createKey()
    const b = await ctx.createKey()
    const rotated = json(await ctx.rotate(a.apiKey, { idempotencyKey: randomUUID() })).webhookSecret
    const path = `${ROTATIONS_PATH}/${rotated.rotationId}`

    const res = await ctx.get(b.apiKey, path)
    expectProblem(res, 404, 'RESOURCE_NOT_FOUND', path)
    expect(res.body).not.toContain(rotated.secret)
    // The same id and an unknown id are refused alike.
    const unknown = await ctx.get(b.apiKey, `${ROTATIONS_PATH}/${randomUUID()}`)
    expect(json(res).detail).toBe(json(unknown).detail)
  })
})

describe(`POST ${ROTATIONS_PATH}/{id}/acknowledge`, () => {
  it('returns 404 RESOURCE_NOT_FOUND when the id is not a uuid or names no rotation', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const key = await ctx.createKey()
    for (const id of ['not-a-uuid', randomUUID()]) {
      const path = `${ROTATIONS_PATH}/${id}/acknowledge`
      expectProblem(await ctx.post(key.apiKey, path), 404, 'RESOURCE_NOT_FOUND', path)
    }
  })

  it('returns 404 RESOURCE_NOT_FOUND when the rotation belongs to another key, and leaves its secret held', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const a = await ctx.createKey()
    const b = await ctx.createKey()
    const rotated = json(await ctx.rotate(a.apiKey, { idempotencyKey: randomUUID() })).webhookSecret
    const path = `${ROTATIONS_PATH}/${rotated.rotationId}/acknowledge`

    expectProblem(await ctx.post(b.apiKey, path), 404, 'RESOURCE_NOT_FOUND', path)

    const own = await ctx.get(a.apiKey, `${ROTATIONS_PATH}/${rotated.rotationId}`)
    expect(own.statusCode, own.body).toBe(200)
    expect(json(own).rotation).toMatchObject({ status: 'succeeded', secret: rotated.secret, secretErasedAt: null })
  })
})

describe('unknown routes', () => {
  it('returns 404 RESOURCE_NOT_FOUND as problem+json for GET /v1/nope', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const res = await ctx.app.inject({ method: 'GET', url: '/v1/nope?x=1' })
    expectProblem(res, 404, 'RESOURCE_NOT_FOUND', '/v1/nope')
  })
})

describe(`GET ${ROTATIONS_PATH}`, () => {
  it('returns 400 VALIDATION_FAILED when limit is 0, 101 or not a number', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const key = await ctx.createKey()
    for (const limit of ['0', '101', 'abc', '1.5', '-1']) {
      const res = await ctx.get(key.apiKey, `${ROTATIONS_PATH}?limit=${limit}`)
      const problem = expectProblem(res, 400, 'VALIDATION_FAILED', ROTATIONS_PATH)
      expect(problem.detail, `limit=${limit}`).toContain('limit')
    }
  })

  it('accepts limit 1 and 100', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const key = await ctx.createKey()
    for (const limit of [1, 100]) {
      const res = await ctx.get(key.apiKey, `${ROTATIONS_PATH}?limit=${limit}`)
      expect(res.statusCode, res.body).toBe(200)
      expect(json(res).pagination).toEqual({ cursor: null, hasMore: false, limit })
    }
  })

  it('returns 400 VALIDATION_FAILED when the cursor is not one the API returned', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const key = await ctx.createKey()
    const res = await ctx.get(key.apiKey, `${ROTATIONS_PATH}?cursor=zzz`)
    const problem = expectProblem(res, 400, 'VALIDATION_FAILED', ROTATIONS_PATH)
    expect(problem.detail).toContain('cursor')
  })

  it('pages newest first with a cursor, defaults to 25 per page, and never lists a secret', async () => {
    const ctx = await buildTestContext({ databaseUrl, env: { ROTATION_COOLDOWN_SECONDS: '1' } })
    const key = await ctx.createKey()
    const other = await ctx.createKey()
    await rotateOnce(ctx, other.apiKey) // another key's rotation never shows up
    const ids: string[] = []
    for (let i = 0; i < 3; i++) {
      if (i > 0) await sleep(1100)
      ids.push(await rotateOnce(ctx, key.apiKey))
    }

    const firstRes = await ctx.get(key.apiKey, `${ROTATIONS_PATH}?limit=2`)
    expect(firstRes.statusCode, firstRes.body).toBe(200)
    const first = json(firstRes)
    expect(first.data.map((r: { id: string }) => r.id)).toEqual([ids[2], ids[1]])
    expect(first.pagination).toMatchObject({ hasMore: true, limit: 2, cursor: expect.any(String) })
    expect(first._meta.requestId).toBe(firstRes.headers['x-request-id'])

    const secondRes = await ctx.get(key.apiKey, `${ROTATIONS_PATH}?limit=2&cursor=${encodeURIComponent(first.pagination.cursor)}`)
    expect(secondRes.statusCode, secondRes.body).toBe(200)
    const second = json(secondRes)
    expect(second.data.map((r: { id: string }) => r.id)).toEqual([ids[0]])
    expect(second.pagination).toEqual({ cursor: null, hasMore: false, limit: 2 })

    const all = json(await ctx.get(key.apiKey, ROTATIONS_PATH))
    expect(all.pagination).toEqual({ cursor: null, hasMore: false, limit: 25 })
    expect(all.data.map((r: { id: string }) => r.id)).toEqual([ids[2], ids[1], ids[0]])

    for (const item of [...first.data, ...second.data, ...all.data]) {
      expect(item).not.toHaveProperty('secret')
      expect(item).toMatchObject({ status: 'succeeded', secretHeld: true })
    }
    for (const res of [firstRes, secondRes]) expect(res.body).not.toMatch(/whsec_/)
  })
})

describe('X-Request-ID', () => {
  it('echoes a sane incoming X-Request-ID in the header and the body', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const key = await ctx.createKey()
    const ok = await ctx.app.inject({ method: 'GET', url: SECRET_PATH, headers: { 'x-api-key': key.apiKey, 'x-request-id': 'abc-123' } })
    expect(ok.statusCode, ok.body).toBe(200)
    expect(ok.headers['x-request-id']).toBe('abc-123')
    expect(json(ok)._meta.requestId).toBe('abc-123')

    const refused = await ctx.app.inject({ method: 'GET', url: SECRET_PATH, headers: { 'x-request-id': 'abc-123' } })
    expect(expectProblem(refused, 401, 'API_KEY_MISSING', SECRET_PATH).requestId).toBe('abc-123')
  })

  it('replaces an insane incoming X-Request-ID with a generated one', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const key = await ctx.createKey()
    const seen = new Set<string>()
    for (const insane of ['<script>', 'a'.repeat(300), 'abc 123', 'abc\u00e9']) {
      const res = await ctx.app.inject({ method: 'GET', url: SECRET_PATH, headers: { 'x-api-key': key.apiKey, 'x-request-id': insane } })
      expect(res.statusCode, res.body).toBe(200)
      const id = res.headers['x-request-id']
      expect(typeof id).toBe('string')
      expect(id).not.toBe(insane)
      expect(String(id).length).toBeGreaterThan(0)
      expect(String(id).length).toBeLessThanOrEqual(128)
      expect(json(res)._meta.requestId).toBe(id)
      seen.add(String(id))
    }
    expect(seen.size).toBe(4)
  })

  it('generates a distinct X-Request-ID when none is sent', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const a = await ctx.app.inject({ method: 'GET', url: '/v1/nope' })
    const b = await ctx.app.inject({ method: 'GET', url: '/v1/nope' })
    expect(a.headers['x-request-id']).toEqual(expect.any(String))
    expect(a.headers['x-request-id']).not.toBe(b.headers['x-request-id'])
  })
})
