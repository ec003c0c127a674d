import { randomUUID } from 'node:crypto'
import fc from 'fast-check'
import type { LightMyRequestResponse } from 'fastify'
import { beforeAll, describe, expect, it } from 'vitest'
import { createOperator } from '../fixtures/operators.js'
import { buildTestContext, createTestDatabase, json, type TestContext } from '../helper.js'

let databaseUrl: string
beforeAll(async () => { databaseUrl = await createTestDatabase() })

// `npm run test:chain` runs many more sequences; FC_SEED (and FC_PATH) replay the one a failure printed.
const RUNS = Number(process.env.CHAIN_INVARIANT_RUNS ?? 4)
const MAX_STEPS = 20

/** The model: what the customer holds. Every secret a response delivered, and what was thrown away. */
interface Model { current: string; previous: string | null; delivered: Set<string>; discarded: Set<string> }
interface Real {
  ctx: TestContext
  key: { apiKey: string; apiKeyId: string }
  operatorAction: (action: string) => Promise<LightMyRequestResponse>
  trail: string[]
}

/**
 * The steps a sequence is made of. Each one acts on the service and updates the model; the chain
 * invariant is checked after every step. To add a step, add an entry (it becomes one more command).
 */
const STEPS: Record<string, (m: Model, r: Real) => Promise<void>> = {
  async rotate (m, r) {
    const res = await r.ctx.rotate(r.key.apiKey, { idempotencyKey: randomUUID() })
    if (res.statusCode === 429) { r.trail.push('(cooldown)'); return }
    expect(res.statusCode, r.trail.join(' ')).toBe(200)
    const fresh = json(res).webhookSecret.secret as string
    m.delivered.add(fresh)
    m.previous = m.current // the rotation kept the secret that was current right before it
    m.current = fresh
  },
  async 'wait-cooldown' () {
    await new Promise((resolve) => setTimeout(resolve, 1050))
  },
  async recover (m, r) {
    const res = await r.operatorAction('recover')
    expect(res.statusCode, r.trail.join(' ')).toBe(200)
    const fresh = json(res).rotation.secret as string
    m.delivered.add(fresh) // handed over by the operator
    m.discarded.add(m.current) // the lost secret; previous is kept
    m.current = fresh
  },
  async rollback (m, r) {
    const res = await r.operatorAction('rollback')
    if (m.previous === null) {
      expect(res.statusCode, r.trail.join(' ')).toBe(409)
      expect(res.headers['x-error-code']).toBe('NO_PREVIOUS_SECRET')
      return
    }
    expect(res.statusCode, r.trail.join(' ')).toBe(200)
    m.discarded.add(m.current) // the failed secret
    m.current = m.previous
    m.previous = null
  },
  async 'expire-previous' (m, r) {
    expect((await r.operatorAction('expire-previous')).statusCode, r.trail.join(' ')).toBe(200)
    if (m.previous !== null) m.discarded.add(m.previous)
    m.previous = null
  },
}

/** The invariant: the slots are what the model says, and previous is null or a secret the customer really had. */
async function checkChain (m: Model, r: Real) {
  const actual = await r.ctx.secretSlots(r.key.apiKeyId)
  const where = `after: ${r.trail.join(' ')}`
  expect(actual.current, where).toBe(m.current)
  expect(actual.previous, where).toBe(m.previous)
  if (actual.previous !== null) {
    expect(m.delivered.has(actual.previous), `${where}: previous was never delivered`).toBe(true)
    expect(m.discarded.has(actual.previous), `${where}: previous was discarded`).toBe(false)
  }
}

function stepCommand (name: string, act: (m: Model, r: Real) => Promise<void>): fc.AsyncCommand<Model, Real> {
  return {
    check: () => true,
    async run (m, r) {
      r.trail.push(name)
      await act(m, r)
      await checkChain(m, r)
    },
    toString: () => name,
  }
}

describe('the rollback chain', () => {
  it('keeps previous null or the last secret the customer really had, through generated sequences of rotations and operator actions', async () => {
    const ctx = await buildTestContext({ databaseUrl, env: { ROTATION_COOLDOWN_SECONDS: '1' } })
    const operator = await createOperator(ctx, 'prop')
    let changes = 0

    await fc.assert(fc.asyncProperty(
      fc.commands(Object.entries(STEPS).map(([name, act]) => fc.constant(stepCommand(name, act))), { maxCommands: MAX_STEPS }),
      async (commands) => {
        // Every sequence (and every shrink of a failing one) starts from a fresh key.
        const key = await ctx.createKey()
        const real: Real = {
          ctx,
          key,
          trail: [],
          operatorAction: (action) => ctx.app.inject({
            method: 'POST',
            url: `/v1/admin/api-keys/${key.apiKeyId}/webhook-secret/${action}`,
            headers: { authorization: `Bearer ${operator.token}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
            payload: JSON.stringify({ reason: 'property test step' }),
          }),
        }
        const model: Model = { current: key.webhookSecret!, previous: null, delivered: new Set([key.webhookSecret!]), discarded: new Set() }
        await fc.asyncModelRun(() => ({ model, real }), commands)
        changes += real.trail.filter((s, i) => (s === 'rotate' && real.trail[i + 1] !== '(cooldown)') || s === 'recover').length
      }
    ), {
      numRuns: RUNS,
      ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}),
      ...(process.env.FC_PATH ? { path: process.env.FC_PATH } : {}),
    })
    // The sequences did exercise the chain, not only refusals.
    expect(changes).toBeGreaterThan(3)
  })
})
