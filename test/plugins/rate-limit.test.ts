import { beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { startRedisServer } from '../../src/embedded/redis-server.js'
import { buildTestContext, createTestDatabase, json } from '../helper.js'

const METADATA = '/v1/auth/api-keys/me/webhook-secret'
let databaseUrl: string
beforeAll(async () => { databaseUrl = await createTestDatabase() })

describe('the per-key rate limit', () => {
  it('counts down X-RateLimit-Remaining, then answers 429 RATE_LIMIT_EXCEEDED with Retry-After', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false, env: { RATE_LIMIT_PER_MINUTE: '3' } })
    const key = await ctx.createKey()
    const other = await ctx.createKey()

    const allowed = [await ctx.get(key.apiKey, METADATA), await ctx.get(key.apiKey, METADATA), await ctx.get(key.apiKey, METADATA)]
    expect(allowed.map((r) => r.statusCode)).toEqual([200, 200, 200])
    expect(allowed.map((r) => r.headers['x-ratelimit-remaining'])).toEqual(['2', '1', '0'])
    expect(allowed[0]!.headers['x-ratelimit-limit']).toBe('3')
    // Seconds until the window resets (as the upstream SDK reads it), not a unix time.
    const reset = Number(allowed[0]!.headers['x-ratelimit-reset'])
    expect(Number.isInteger(reset)).toBe(true)
    expect(reset).toBeGreaterThanOrEqual(1)
    expect(reset).toBeLessThanOrEqual(60)

    const refused = await ctx.rotate(key.apiKey, { idempotencyKey: 'over-the-limit' })
    expect(refused.statusCode).toBe(429)
    expect(refused.headers['x-error-code']).toBe('RATE_LIMIT_EXCEEDED')
    expect(json(refused)).toMatchObject({ code: 'RATE_LIMIT_EXCEEDED', title: 'Rate limit exceeded', status: 429 })
    const retryAfter = Number(refused.headers['retry-after'])
    expect(retryAfter).toBeGreaterThanOrEqual(1)
    expect(retryAfter).toBeLessThanOrEqual(60)
    const { rows } = await ctx.pool.query('select count(*)::int as n from webhook_secret_rotations where api_key_id = $1', [key.apiKeyId])
    expect(rows[0].n).toBe(0) // refused before anything was recorded

    expect((await ctx.get(other.apiKey, METADATA)).statusCode).toBe(200) // per key
  })

  it('lets requests through when Redis is down rather than failing them', async () => {
    const redis = await startRedisServer()
    onTestFinished(() => redis.stop())
    const ctx = await buildTestContext({ databaseUrl, redisUrl: redis.url, worker: false, env: { RATE_LIMIT_PER_MINUTE: '1' } })
    const key = await ctx.createKey()
    await redis.stop()
    const res = [await ctx.get(key.apiKey, METADATA), await ctx.get(key.apiKey, METADATA)]
    expect(res.map((r) => r.statusCode)).toEqual([200, 200])
    expect(res[0]!.headers['x-ratelimit-limit']).toBeUndefined()
  })
})
