import type { LightMyRequestResponse } from 'fastify'
import { beforeAll, describe, expect, it } from 'vitest'
import { ERROR_CATALOGUE } from '../../src/errors/catalogue.js'
import { fixText, plainText } from '../../src/errors/catalogue-text.js'
import { buildTestContext, createTestDatabase, json, type TestContext } from '../helper.js'

let databaseUrl: string
beforeAll(async () => { databaseUrl = await createTestDatabase() })

/** Every problem `type` this file saw; the last test resolves each one. */
const problemTypes = new Set<string>()

function expectProblem (res: LightMyRequestResponse, status: number, code: string, path: string) {
  expect(res.statusCode, res.body).toBe(status)
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
  expect(res.headers['x-error-code']).toBe(code)
  const body = json(res)
  expect(body).toMatchObject({
    type: `/v1/errors/${code}`,
    title: expect.any(String),
    status,
    code,
    detail: expect.any(String),
    instance: path,
    requestId: res.headers['x-request-id'],
  })
  problemTypes.add(body.type)
  return body
}

/** Section 4 of the SPEC: code → HTTP status and (where the table gives one) title. */
const SPEC_CODES: Record<string, { status: number; title?: string }> = {
  API_KEY_MISSING: { status: 401, title: 'Authentication required' },
  API_KEY_MALFORMED: { status: 401, title: 'Authentication required' },
  API_KEY_INVALID: { status: 401, title: 'Authentication required' },
  API_KEY_REVOKED: { status: 401, title: 'API key revoked' },
  API_KEY_EXPIRED: { status: 401, title: 'API key expired' },
  INSUFFICIENT_SCOPE: { status: 403, title: 'Insufficient scope' },
  IP_NOT_ALLOWED: { status: 403, title: 'IP not allowed' },
  RESOURCE_NOT_FOUND: { status: 404, title: 'Resource not found' },
  VALIDATION_FAILED: { status: 400, title: 'Validation failed' },
  IDEMPOTENCY_KEY_FORMAT_INVALID: { status: 400, title: 'Idempotency key format invalid' },
  IDEMPOTENCY_KEY_TOO_LONG: { status: 400, title: 'Idempotency key too long' },
  IDEMPOTENCY_KEY_CONFLICT: { status: 409, title: 'Idempotency key conflict' },
  IDEMPOTENCY_KEY_EXPIRED: { status: 410, title: 'Idempotency key expired' },
  WEBHOOK_NOT_CONFIGURED: { status: 409, title: 'Webhook not configured' },
  WEBHOOK_SECRET_NO_LONGER_HELD: { status: 410, title: 'Secret no longer held' },
  WEBHOOK_SECRET_ROTATION_COOLDOWN: { status: 429, title: 'Rotation cooldown active' },
  RATE_LIMIT_EXCEEDED: { status: 429, title: 'Rate limit exceeded' },
  ROLLBACK_WINDOW_CLOSED: { status: 409 },
  NO_PREVIOUS_SECRET: { status: 409 },
  WEBHOOK_REPLAY_LIMIT_REACHED: { status: 429, title: 'Replay limit reached' },
  DEPENDENCY_UNAVAILABLE: { status: 503, title: 'Service unavailable' },
  INTERNAL_ERROR: { status: 500, title: 'Internal server error' },
}

interface ErrorPage { code: string; type: string; status: number; title: string; when: string; fix: string; retrySafe: boolean }

describe('GET /v1/errors', () => {
  it('lists every catalogued code with its type, status, title, when, fix and retrySafe', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false })
    const res = await ctx.app.inject({ method: 'GET', url: '/v1/errors' })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.headers['content-type']).toMatch(/^application\/json/)
    const body = json<{ data: ErrorPage[]; _meta: { requestId: string } }>(res)
    expect(body._meta.requestId).toBe(res.headers['x-request-id'])

    const codes = Object.keys(ERROR_CATALOGUE)
    expect(body.data.map((p) => p.code).sort()).toEqual([...codes].sort())
    for (const page of body.data) {
      const entry = ERROR_CATALOGUE[page.code as keyof typeof ERROR_CATALOGUE]
      expect(page).toEqual({
        code: page.code,
        type: `/v1/errors/${page.code}`,
        status: entry.status,
        title: entry.title,
        when: plainText(entry.when),
        fix: fixText(entry),
        retrySafe: entry.retrySafe,
      })
      expect(page.when.length).toBeGreaterThan(0)
      expect(page.fix.length).toBeGreaterThan(0)
    }
  })

  it('lists every code of the SPEC with the SPEC\'s status and title', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false })
    const pages = new Map(json<{ data: ErrorPage[] }>(await ctx.app.inject({ method: 'GET', url: '/v1/errors' })).data.map((p) => [p.code, p]))
    for (const [code, expected] of Object.entries(SPEC_CODES)) {
      const page = pages.get(code)
      expect(page, code).toBeDefined()
      expect(page!.status, code).toBe(expected.status)
      if (expected.title) expect(page!.title, code).toBe(expected.title)
    }
  })
})

describe('GET /v1/errors/{code}', () => {
  it('answers WEBHOOK_SECRET_ROTATION_COOLDOWN with its title, status, when, fix and retrySafe', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false })
    const res = await ctx.app.inject({ method: 'GET', url: '/v1/errors/WEBHOOK_SECRET_ROTATION_COOLDOWN' })
    expect(res.statusCode, res.body).toBe(200)
    const body = json(res)
    expect(body.error).toMatchObject({
      code: 'WEBHOOK_SECRET_ROTATION_COOLDOWN',
      type: '/v1/errors/WEBHOOK_SECRET_ROTATION_COOLDOWN',
      title: 'Rotation cooldown active',
      status: 429,
      when: expect.any(String),
      fix: expect.any(String),
      retrySafe: expect.any(Boolean),
    })
    expect(body.error.when.length).toBeGreaterThan(0)
    expect(body.error.fix.length).toBeGreaterThan(0)
    expect(body.data).toEqual(body.error)
    expect(body._meta.requestId).toBe(res.headers['x-request-id'])
  })

  it('answers a lower-case code as its upper-case page', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false })
    const res = await ctx.app.inject({ method: 'GET', url: '/v1/errors/webhook_secret_rotation_cooldown' })
    expect(res.statusCode, res.body).toBe(200)
    expect(json(res).error).toMatchObject({ code: 'WEBHOOK_SECRET_ROTATION_COOLDOWN', status: 429, title: 'Rotation cooldown active' })
  })

  it('returns 404 RESOURCE_NOT_FOUND as problem+json for an unknown code', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false })
    for (const code of ['NOPE', 'toString', '__proto__', 'constructor']) {
      const res = await ctx.app.inject({ method: 'GET', url: `/v1/errors/${code}` })
      expectProblem(res, 404, 'RESOURCE_NOT_FOUND', `/v1/errors/${code}`)
    }
  })

  it('answers every catalogued code\'s own page', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false })
    for (const [code, entry] of Object.entries(ERROR_CATALOGUE)) {
      const res = await ctx.app.inject({ method: 'GET', url: `/v1/errors/${code}` })
      expect(res.statusCode, code).toBe(200)
      expect(json(res).error).toMatchObject({ code, status: entry.status, title: entry.title })
    }
  })
})

describe('problem types', () => {
  // Runs last: it also resolves every type the earlier tests of this file saw.
  it('returns problems whose type resolves to the code\'s page', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const key = await ctx.createKey()
    expectProblem(await ctx.app.inject({ method: 'GET', url: '/v1/nope' }), 404, 'RESOURCE_NOT_FOUND', '/v1/nope')
    expectProblem(await ctx.app.inject({ method: 'GET', url: '/v1/auth/api-keys/me/webhook-secret' }), 401, 'API_KEY_MISSING', '/v1/auth/api-keys/me/webhook-secret')
    expectProblem(await ctx.rotate(key.apiKey, { idempotencyKey: 'bad key!' }), 400, 'IDEMPOTENCY_KEY_FORMAT_INVALID', '/v1/auth/api-keys/me/webhook-secret/rotate')
    expectProblem(await ctx.rotate(key.apiKey, { body: { foo: 1 } }), 400, 'VALIDATION_FAILED', '/v1/auth/api-keys/me/webhook-secret/rotate')
    await resolveAll(ctx)
  })
})

async function resolveAll (ctx: TestContext) {
  expect(problemTypes.size).toBeGreaterThan(0)
  for (const type of problemTypes) {
    const res = await ctx.app.inject({ method: 'GET', url: type })
    expect(res.statusCode, type).toBe(200)
    expect(json(res).error.type).toBe(type)
  }
}
