import { randomBytes } from 'node:crypto'
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { startRedisServer } from '../../src/embedded/redis-server.js'
import { cookiePairs, CSRF_FIELD } from '../fixtures/console.js'
import { createOperator } from '../fixtures/operators.js'
import { buildTestContext, createTestDatabase, type TestContext } from '../helper.js'

let databaseUrl: string
beforeAll(async () => { databaseUrl = await createTestDatabase() })

const METADATA = '/v1/auth/api-keys/me/webhook-secret'
const LIMIT = 3
// Behind a proxy on loopback, so each test picks its client's address.
const ENV = { AUTH_FAILURES_PER_MINUTE: String(LIMIT), TRUST_PROXY: 'loopback' }
const base62 = (n: number) => randomBytes(n * 2).toString('base64').replace(/[^0-9A-Za-z]/g, '').slice(0, n)
const wrongKey = () => `kash_test_${base62(32)}`
const wrongOperatorToken = (prefix = 'kash_op_') => prefix + base62(48 - prefix.length)

const from = (ip: string) => ({ 'x-forwarded-for': ip })
const status = (res: { statusCode: number; headers: Record<string, unknown> }) => `${res.statusCode} ${res.headers['x-error-code'] ?? ''}`.trim()

async function failureCount (ctx: TestContext, kind: string, throttled: boolean) {
  const metric = await ctx.metrics.authFailures.get()
  return metric.values.find((v) => v.labels.kind === kind && v.labels.throttled === String(throttled))?.value ?? 0
}

/** A console sign-in as the form posts it, from `ip`. */
async function consoleSignIn (ctx: TestContext, token: string, ip: string) {
  const form = await ctx.app.inject({ method: 'GET', url: '/admin/sign-in', headers: from(ip) })
  return ctx.app.inject({
    method: 'POST',
    url: '/admin/sign-in',
    headers: { ...from(ip), cookie: cookiePairs(form).join('; '), 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: CSRF_FIELD.exec(form.body)![1]!, token }).toString(),
  })
}

describe('throttling failed authentication (issue 18, item 6)', () => {
  it('answers 429 with Retry-After once an address has had too many API keys refused, still accepts a valid key from it, and counts them', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false, env: ENV })
    const key = await ctx.createKey()
    const attempt = (ip: string) => ctx.app.inject({ method: 'GET', url: METADATA, headers: { ...from(ip), 'x-api-key': wrongKey() } })
    const answers = []
    for (let i = 0; i < LIMIT + 2; i++) answers.push(await attempt('198.51.100.7'))
    expect(answers.map(status)).toEqual([...Array(LIMIT).fill('401 API_KEY_INVALID'), '429 RATE_LIMIT_EXCEEDED', '429 RATE_LIMIT_EXCEEDED'])
    const retryAfter = Number(answers.at(-1)!.headers['retry-after'])
    expect(retryAfter).toBeGreaterThanOrEqual(1)
    expect(retryAfter).toBeLessThanOrEqual(60)
    expect(answers.at(-1)!.json()).toMatchObject({ code: 'RATE_LIMIT_EXCEEDED', status: 429 })

    const valid = await ctx.app.inject({ method: 'GET', url: METADATA, headers: { ...from('198.51.100.7'), 'x-api-key': key.apiKey } })
    expect(valid.statusCode).toBe(200)
    expect(status(await attempt('198.51.100.8'))).toBe('401 API_KEY_INVALID') // per address
    // POST rotate authenticates through its own hook: counted the same way.
    const rotate = await ctx.rotate(wrongKey(), { idempotencyKey: 'k1', headers: from('198.51.100.7') })
    expect(status(rotate)).toBe('429 RATE_LIMIT_EXCEEDED')

    expect(await failureCount(ctx, 'api_key', false)).toBe(LIMIT + 1)
    expect(await failureCount(ctx, 'api_key', true)).toBe(3)
    const scrape = await ctx.metrics.registry.metrics()
    expect(scrape).toContain('webhook_rotation_auth_failures_total{kind="api_key",throttled="true"} 3')
  })

  it('throttles refused operator bearer tokens per address', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false, env: ENV })
    const operator = await createOperator(ctx, 'bearer-check')
    const attempt = (token: string) => ctx.app.inject({ method: 'GET', url: '/v1/admin/audit-events', headers: { ...from('203.0.113.9'), authorization: `Bearer ${token}` } })
    const answers = []
    for (let i = 0; i < LIMIT + 1; i++) answers.push(await attempt(wrongOperatorToken()))
    expect(answers.map(status)).toEqual([...Array(LIMIT).fill('401 OPERATOR_TOKEN_INVALID'), '429 RATE_LIMIT_EXCEEDED'])
    expect(answers.at(-1)!.headers['retry-after']).toMatch(/^\d+$/)
    expect((await attempt(operator.token)).statusCode).toBe(200)
    expect(await failureCount(ctx, 'operator_token', true)).toBe(1)
  })

  it('throttles console sign-ins per address, and per operator a token claims to be across addresses', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false, env: ENV })
    const alice = await createOperator(ctx, 'alice')
    const fromOne = []
    for (let i = 0; i < LIMIT + 1; i++) fromOne.push(await consoleSignIn(ctx, wrongOperatorToken(), '192.0.2.10'))
    expect(fromOne.map((r) => r.statusCode)).toEqual([...Array(LIMIT).fill(401), 429])
    expect(fromOne.at(-1)!.headers['retry-after']).toMatch(/^\d+$/)

    // Tokens that look like alice's (her token's stored prefix), each from another address.
    const againstAlice = []
    for (let i = 0; i < LIMIT + 1; i++) againstAlice.push(await consoleSignIn(ctx, wrongOperatorToken(alice.token.slice(0, 12)), `192.0.2.${20 + i}`))
    expect(againstAlice.map((r) => r.statusCode)).toEqual([...Array(LIMIT).fill(401), 429])
    expect(againstAlice.every((r) => r.cookies.every((c) => !c.name.endsWith('op_session')))).toBe(true)

    const signedIn = await consoleSignIn(ctx, alice.token, '192.0.2.10')
    expect(signedIn.statusCode).toBe(303) // her own token still opens a session
    expect(await failureCount(ctx, 'console_sign_in', true)).toBe(2)
  })

  it('still answers 401 (and counts) when Redis is down: the limiter fails open', async () => {
    const redis = await startRedisServer()
    onTestFinished(() => redis.stop())
    const ctx = await buildTestContext({ databaseUrl, redisUrl: redis.url, worker: false, env: ENV })
    await redis.stop()
    const answers = []
    for (let i = 0; i < LIMIT + 2; i++) answers.push(await ctx.app.inject({ method: 'GET', url: METADATA, headers: { ...from('198.51.100.50'), 'x-api-key': wrongKey() } }))
    expect(answers.map(status)).toEqual(Array(LIMIT + 2).fill('401 API_KEY_INVALID'))
    expect(await failureCount(ctx, 'api_key', false)).toBe(LIMIT + 2)
  })
})
