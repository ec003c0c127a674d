import { randomUUID } from 'node:crypto'
import http from 'node:http'
import { beforeAll, describe, expect, it } from 'vitest'
import { createOperator } from '../fixtures/operators.js'
import { buildTestContext, createTestDatabase, eventually, json, ROTATE_PATH, type TestContext } from '../helper.js'

let databaseUrl: string
beforeAll(async () => { databaseUrl = await createTestDatabase() })

/** A small seeded PRNG (mulberry32), so a failing sequence can be replayed from its seed. */
function prng (seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

type Step = 'rotate' | 'lost-response' | 'wait-cooldown' | 'recover' | 'rollback' | 'expire-previous'
const STEPS: [Step, number][] = [['rotate', 0.3], ['lost-response', 0.15], ['wait-cooldown', 0.15], ['recover', 0.15], ['rollback', 0.13], ['expire-previous', 0.12]]

function pick (random: () => number): Step {
  let r = random()
  for (const [step, weight] of STEPS) if ((r -= weight) < 0) return step
  return 'rotate'
}

/** Waits until a response's delivery of a rotation's secret is recorded (it lands just after the response). */
async function deliveryRecorded (ctx: TestContext, rotationId: string) {
  await eventually(async () => {
    const { rows } = await ctx.pool.query('select 1 from webhook_secret_rotations where id = $1 and secret_first_delivered_at is not null', [rotationId])
    return rows.length === 1
  })
}

/**
 * A rotate request whose client hangs up before any response is written: the worker is paused
 * until the rotation is recorded and the client gone. Returns the rotation's final status, or
 * null when the API's fast path refused it (the cooldown) before recording anything.
 */
async function rotateAndLoseResponse (ctx: TestContext, address: string, worker: ReturnType<TestContext['startWorker']>, apiKey: string) {
  const idempotencyKey = randomUUID()
  await worker.rotations.pause()
  try {
    // A connection of its own (no keep-alive pool), destroyed to hang up.
    let answered = false
    const req = http.request(`${address}${ROTATE_PATH}`, { method: 'POST', agent: false, headers: { 'x-api-key': apiKey, 'idempotency-key': idempotencyKey } })
    const closed = new Promise((resolve) => req.once('close', resolve))
    req.once('response', (res) => { answered = true; res.resume() })
    req.once('error', () => {})
    req.end()
    const recorded = await eventually(async () => {
      const { rows } = await ctx.pool.query('select id from webhook_secret_rotations where idempotency_key = $1', [idempotencyKey])
      return rows[0] ?? (answered ? 'refused' : undefined)
    }, 20_000, 20)
    req.destroy()
    await closed
    if (recorded === 'refused') return null
    return recorded.id as string
  } finally {
    worker.rotations.resume()
  }
}

describe('the rollback chain', () => {
  it.each([1, 2, 3])('keeps previous null or the last secret the customer really had, through a random sequence (seed %i)', async (seed) => {
    const ctx = await buildTestContext({ databaseUrl, worker: false, env: { ROTATION_COOLDOWN_SECONDS: '1' } })
    const worker = ctx.startWorker()
    const address = await ctx.app.listen({ port: 0, host: '127.0.0.1' })
    const key = await ctx.createKey()
    const operator = await createOperator(ctx, `prop-${seed}`)
    const random = prng(seed)
    const operatorAction = (action: string) => ctx.app.inject({
      method: 'POST',
      url: `/v1/admin/api-keys/${key.apiKeyId}/webhook-secret/${action}`,
      headers: { authorization: `Bearer ${operator.token}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      payload: JSON.stringify({ reason: `property test step (seed ${seed})` }),
    })

    // The model: what the customer holds. Every secret a response delivered, and what was thrown away.
    // A customer rotation moves current into previous only if current was delivered; else it
    // discards current and keeps previous (the delivered rule).
    const delivered = new Set([key.webhookSecret!])
    const discarded = new Set<string>()
    let current = key.webhookSecret!
    let previous: string | null = null
    const trail: string[] = []

    for (let i = 0; i < 24; i++) {
      const step = pick(random)
      trail.push(step)
      if (step === 'wait-cooldown') {
        await new Promise((resolve) => setTimeout(resolve, 1050))
        continue
      }
      if (step === 'rotate') {
        // As the upstream SDK does: a cooldown 429 is retried with the same key after Retry-After.
        const idempotencyKey = randomUUID()
        let res = await ctx.rotate(key.apiKey, { idempotencyKey })
        if (res.statusCode === 429) {
          trail.push('(cooldown, retried)')
          await new Promise((resolve) => setTimeout(resolve, Number(res.headers['retry-after']) * 1000))
          res = await ctx.rotate(key.apiKey, { idempotencyKey })
        }
        expect(res.statusCode, trail.join(' ')).toBe(200)
        const fresh = json(res).webhookSecret.secret as string
        await deliveryRecorded(ctx, json(res).webhookSecret.rotationId)
        if (delivered.has(current)) previous = current
        else discarded.add(current)
        delivered.add(fresh)
        current = fresh
      } else if (step === 'lost-response') {
        // A response lost before it was written: the rotation succeeds, its secret undelivered. A
        // cooldown refusal is retried after it, as the SDK does.
        let status: string | undefined
        for (let tries = 0; status !== 'succeeded'; tries++) {
          expect(tries, trail.join(' ')).toBeLessThan(3)
          if (tries > 0) {
            trail.push('(cooldown, retried)')
            await new Promise((resolve) => setTimeout(resolve, 1050))
          }
          const rotationId = await rotateAndLoseResponse(ctx, address, worker, key.apiKey)
          status = rotationId === null
            ? 'refused'
            : await eventually(async () => {
              const { rows } = await ctx.pool.query("select status from webhook_secret_rotations where id = $1 and status in ('succeeded', 'rejected')", [rotationId])
              return rows[0]?.status as string | undefined
            })
        }
        const lost = (await ctx.secretSlots(key.apiKeyId)).current
        if (delivered.has(current)) previous = current
        else discarded.add(current)
        current = lost
      } else if (step === 'recover') {
        const res = await operatorAction('recover')
        expect(res.statusCode, trail.join(' ')).toBe(200)
        const fresh = json(res).rotation.secret as string
        await deliveryRecorded(ctx, json(res).rotation.id)
        delivered.add(fresh) // handed over by the operator
        discarded.add(current) // the lost secret; previous is kept
        current = fresh
      } else if (step === 'rollback') {
        const res = await operatorAction('rollback')
        if (previous === null) {
          expect(res.statusCode, trail.join(' ')).toBe(409)
          expect(res.headers['x-error-code']).toBe('NO_PREVIOUS_SECRET')
          continue
        }
        expect(res.statusCode, trail.join(' ')).toBe(200)
        discarded.add(current) // the failed secret
        current = previous
        previous = null
      } else {
        expect((await operatorAction('expire-previous')).statusCode, trail.join(' ')).toBe(200)
        if (previous !== null) discarded.add(previous)
        previous = null
      }

      const actual = await ctx.secretSlots(key.apiKeyId)
      const where = `seed ${seed}, after: ${trail.join(' ')}`
      expect(actual.current, where).toBe(current)
      expect(actual.previous, where).toBe(previous)
      if (actual.previous !== null) {
        expect(delivered.has(actual.previous), `${where}: previous was never delivered`).toBe(true)
        expect(discarded.has(actual.previous), `${where}: previous was discarded`).toBe(false)
      }
    }
    // The sequence did exercise the chain, not only refusals.
    expect(trail.filter((s) => s === 'rotate' || s === 'recover').length).toBeGreaterThan(3)
    expect(trail.filter((s) => s === 'lost-response').length).toBeGreaterThan(0)
  })
})
