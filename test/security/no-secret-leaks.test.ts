import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import { beforeAll, describe, expect, inject, it, onTestFinished } from 'vitest'
import { buildTestContext, createTestDatabase, eventually, json, LEAK_PATTERN, ROTATIONS_PATH } from '../helper.js'

let databaseUrl: string
beforeAll(async () => { databaseUrl = await createTestDatabase() })

describe('secrets and API keys', () => {
  it('never reach a log line, Redis, job data or return values, or an error body', async () => {
    const ctx = await buildTestContext({ databaseUrl, env: { LOG_LEVEL: 'trace', ROTATION_COOLDOWN_SECONDS: '1' } })
    const key = await ctx.createKey()
    const other = await ctx.createKey({ scopes: ['other:read'] })
    const bodies: string[] = []
    const record = <T extends { body: string }>(res: T) => { bodies.push(res.body); return res }

    const idempotencyKey = randomUUID()
    const rotated = json(record(await ctx.rotate(key.apiKey, { idempotencyKey, body: { reason: 'leak check' } })))
    const { rotationId, secret } = rotated.webhookSecret
    record(await ctx.rotate(key.apiKey, { idempotencyKey, body: { reason: 'leak check' } }))
    record(await ctx.rotate(key.apiKey, { idempotencyKey: randomUUID() })) // cooldown 429
    record(await ctx.rotate(key.apiKey, { idempotencyKey, body: { reason: 'different' } })) // 409
    record(await ctx.get(key.apiKey, `${ROTATIONS_PATH}/${rotationId}`))
    record(await ctx.get(key.apiKey, ROTATIONS_PATH))
    record(await ctx.post(key.apiKey, `${ROTATIONS_PATH}/${rotationId}/acknowledge`))
    record(await ctx.rotate(key.apiKey, { idempotencyKey })) // 410 no longer held
    record(await ctx.rotate(other.apiKey, { idempotencyKey })) // 403 scope
    record(await ctx.rotate(`kash_test_${'A'.repeat(32)}`)) // 401 unknown key
    record(await ctx.rotate(key.apiKey, { body: { reason: secret } })) // a secret pasted where it does not belong
    await new Promise((resolve) => setTimeout(resolve, 1100))
    const second = json(await ctx.rotate(key.apiKey, { idempotencyKey: randomUUID(), prefer: 'respond-async' }))
    const secondId = second.rotation?.id ?? second.webhookSecret?.rotationId

    // Job data and return values carry ids and status only.
    for (const id of [rotationId, secondId]) {
      // One read of the job hash: finishedOn and returnvalue are written together, where a
      // separate getState could see a completion this snapshot of the job predates.
      const job = await eventually(async () => {
        const j = await ctx.queue.getJob(id)
        return j?.finishedOn !== undefined ? j : undefined
      })
      expect(job.data).toEqual({ rotationId: id })
      expect(job.returnvalue).toEqual({ rotationId: id, status: 'succeeded' })
    }
    // Only the responses that deliver a held secret carry one; no error body does.
    const problems = bodies.filter((b) => JSON.parse(b).code !== undefined)
    expect(problems.length).toBeGreaterThanOrEqual(5)
    for (const p of problems) expect(p).not.toMatch(LEAK_PATTERN)

    // Every key and value in the whole Redis of this run, not only this test's queue.
    const redis = new Redis(inject('redisUrl'))
    onTestFinished(() => { redis.disconnect() })
    const all = [await ctx.redisDump()]
    for (const k of await redis.keys('*')) {
      all.push(k)
      if (await redis.type(k) === 'hash') all.push(JSON.stringify(await redis.hgetall(k)))
    }
    expect(all.join('\n')).not.toMatch(LEAK_PATTERN)

    expect(ctx.logs.length).toBeGreaterThan(20) // trace level did log the requests and jobs
    expect(ctx.logs.filter((l) => l.includes(secret) || LEAK_PATTERN.test(l))).toEqual([])
  })
})
