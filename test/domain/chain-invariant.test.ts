import { randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { createOperator } from '../fixtures/operators.js'
import { buildTestContext, createTestDatabase, json } from '../helper.js'

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

type Step = 'rotate' | 'wait-cooldown' | 'recover' | 'rollback' | 'expire-previous'
const STEPS: [Step, number][] = [['rotate', 0.35], ['wait-cooldown', 0.15], ['recover', 0.2], ['rollback', 0.15], ['expire-previous', 0.15]]

function pick (random: () => number): Step {
  let r = random()
  for (const [step, weight] of STEPS) if ((r -= weight) < 0) return step
  return 'rotate'
}

describe('the rollback chain', () => {
  it.each([1, 2, 3])('keeps previous null or the last secret the customer really had, through a random sequence (seed %i)', async (seed) => {
    const ctx = await buildTestContext({ databaseUrl, env: { ROTATION_COOLDOWN_SECONDS: '1' } })
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
        const res = await ctx.rotate(key.apiKey, { idempotencyKey: randomUUID() })
        if (res.statusCode === 429) { trail.push('(cooldown)'); continue }
        expect(res.statusCode, trail.join(' ')).toBe(200)
        const fresh = json(res).webhookSecret.secret as string
        delivered.add(fresh)
        previous = current // the rotation kept the secret that was current right before it
        current = fresh
      } else if (step === 'recover') {
        const res = await operatorAction('recover')
        expect(res.statusCode, trail.join(' ')).toBe(200)
        const fresh = json(res).rotation.secret as string
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
  })
})
