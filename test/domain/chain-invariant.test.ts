import { randomUUID } from 'node:crypto'
import http from 'node:http'
import fc from 'fast-check'
import type { LightMyRequestResponse } from 'fastify'
import { beforeAll, describe, expect, it } from 'vitest'
import { createOperator } from '../fixtures/operators.js'
import { buildTestContext, createTestDatabase, eventually, json, ROTATE_PATH, type TestContext } from '../helper.js'

let databaseUrl: string
beforeAll(async () => { databaseUrl = await createTestDatabase() })

// `npm test` runs a few generated sequences; `npm run test:chain` sets CHAIN_INVARIANT_RUNS=100.
// A failure prints the env line that replays it: CHAIN_INVARIANT_SEED, CHAIN_INVARIANT_PATH and
// CHAIN_INVARIANT_REPLAY_PATH (fast-check's seed, counterexample path and commands replay path).
const RUNS = Number(process.env.CHAIN_INVARIANT_RUNS ?? 5)
const MAX_STEPS = 24
const env = process.env
const REPLAY = env.CHAIN_INVARIANT_SEED
  ? { seed: Number(env.CHAIN_INVARIANT_SEED), path: env.CHAIN_INVARIANT_PATH, replayPath: env.CHAIN_INVARIANT_REPLAY_PATH }
  : undefined

/**
 * The model: what the customer holds. Every secret a response delivered, and what was thrown away.
 * A customer rotation moves current into previous only if current was delivered; else it discards
 * current and keeps previous (the delivered rule).
 */
interface Model { current: string; previous: string | null; delivered: Set<string>; discarded: Set<string> }
interface Real {
  ctx: TestContext
  worker: ReturnType<TestContext['startWorker']>
  address: string
  key: { apiKey: string; apiKeyId: string }
  operatorAction: (action: string) => Promise<LightMyRequestResponse>
  trail: string[]
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Waits until a response's delivery of a rotation's secret is recorded (it lands just after the response). */
async function deliveryRecorded (ctx: TestContext, rotationId: string) {
  await eventually(async () => {
    const { rows } = await ctx.pool.query('select 1 from webhook_secret_rotations where id = $1 and secret_first_delivered_at is not null', [rotationId])
    return rows.length === 1
  })
}

/**
 * A rotate request whose client hangs up before any response is written: the worker is paused
 * until the rotation is recorded and the client gone. Returns the rotation's id, or null when the
 * API's fast path refused it (the cooldown) before recording anything.
 */
async function rotateAndLoseResponse ({ ctx, address, worker, key }: Real) {
  const idempotencyKey = randomUUID()
  await worker.rotations.pause()
  try {
    // A connection of its own (no keep-alive pool), destroyed to hang up.
    let answered = false
    const req = http.request(`${address}${ROTATE_PATH}`, { method: 'POST', agent: false, headers: { 'x-api-key': key.apiKey, 'idempotency-key': idempotencyKey } })
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

/** A customer rotation moved the key to `fresh`: previous follows the delivered rule. */
function rotated (m: Model, fresh: string) {
  if (m.delivered.has(m.current)) m.previous = m.current
  else m.discarded.add(m.current)
  m.current = fresh
}

/**
 * The steps a sequence is made of, with their weights. Each one acts on the service and updates the
 * model; the chain invariant is checked after every step. To add a step, add an entry.
 */
type StepName = 'rotate' | 'lost-response' | 'wait-cooldown' | 'recover' | 'rollback' | 'expire-previous'
const STEPS: Record<StepName, { weight: number, act: (m: Model, r: Real) => Promise<void> }> = {
  rotate: {
    weight: 2,
    async act (m, r) {
      // As the upstream SDK does: a cooldown 429 is retried with the same key after Retry-After.
      const idempotencyKey = randomUUID()
      let res = await r.ctx.rotate(r.key.apiKey, { idempotencyKey })
      if (res.statusCode === 429) {
        r.trail.push('(cooldown, retried)')
        await sleep(Number(res.headers['retry-after']) * 1000)
        res = await r.ctx.rotate(r.key.apiKey, { idempotencyKey })
      }
      expect(res.statusCode, r.trail.join(' ')).toBe(200)
      await deliveryRecorded(r.ctx, json(res).webhookSecret.rotationId)
      const fresh = json(res).webhookSecret.secret as string
      m.delivered.add(fresh)
      rotated(m, fresh)
    },
  },
  'lost-response': {
    weight: 1,
    async act (m, r) {
      // A response lost before it was written: the rotation succeeds, its secret undelivered. A
      // cooldown refusal is retried after it, as the SDK does.
      let status: string | undefined
      for (let tries = 0; status !== 'succeeded'; tries++) {
        expect(tries, r.trail.join(' ')).toBeLessThan(3)
        if (tries > 0) {
          r.trail.push('(cooldown, retried)')
          await sleep(1050)
        }
        const rotationId = await rotateAndLoseResponse(r)
        status = rotationId === null
          ? 'refused'
          : await eventually(async () => {
            const { rows } = await r.ctx.pool.query("select status from webhook_secret_rotations where id = $1 and status in ('succeeded', 'rejected')", [rotationId])
            return rows[0]?.status as string | undefined
          })
      }
      rotated(m, (await r.ctx.secretSlots(r.key.apiKeyId)).current)
    },
  },
  'wait-cooldown': {
    weight: 1,
    async act () { await sleep(1050) },
  },
  recover: {
    weight: 1,
    async act (m, r) {
      const res = await r.operatorAction('recover')
      expect(res.statusCode, r.trail.join(' ')).toBe(200)
      const fresh = json(res).rotation.secret as string
      await deliveryRecorded(r.ctx, json(res).rotation.id)
      m.delivered.add(fresh) // handed over by the operator
      m.discarded.add(m.current) // the lost secret; previous is kept
      m.current = fresh
    },
  },
  rollback: {
    weight: 1,
    async act (m, r) {
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
  },
  'expire-previous': {
    weight: 1,
    async act (m, r) {
      expect((await r.operatorAction('expire-previous')).statusCode, r.trail.join(' ')).toBe(200)
      if (m.previous !== null) m.discarded.add(m.previous)
      m.previous = null
    },
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

function stepCommand (name: StepName): fc.AsyncCommand<Model, Real> {
  return {
    check: () => true,
    async run (m, r) {
      r.trail.push(name)
      await STEPS[name].act(m, r)
      await checkChain(m, r)
    },
    toString: () => name,
  }
}

const stepArbitrary = fc.oneof(...(Object.keys(STEPS) as StepName[]).map((name) => ({ arbitrary: fc.constant(stepCommand(name)), weight: STEPS[name].weight })))

/** A sequence that takes every step: both rollback outcomes, a lost secret discarded by the next rotation. */
const EVERY_STEP: StepName[] = ['rotate', 'lost-response', 'rotate', 'rollback', 'recover', 'wait-cooldown', 'rotate', 'expire-previous', 'rollback']

/** A listening API with its worker, an operator, and a fresh key (with its model) for each sequence. */
async function chainSetup () {
  const ctx = await buildTestContext({ databaseUrl, worker: false, env: { ROTATION_COOLDOWN_SECONDS: '1' } })
  const worker = ctx.startWorker()
  const address = await ctx.app.listen({ port: 0, host: '127.0.0.1' })
  const operator = await createOperator(ctx, `prop-${randomUUID()}`)
  return async () => {
    const key = await ctx.createKey()
    const real: Real = {
      ctx,
      worker,
      address,
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
    return { model, real }
  }
}

describe('the rollback chain', () => {
  it('keeps previous null or the last secret the customer really had, through a sequence that takes every step', async () => {
    const { model, real } = await (await chainSetup())()
    await fc.asyncModelRun(() => ({ model, real }), EVERY_STEP.map(stepCommand))
    for (const name of Object.keys(STEPS)) expect(real.trail, 'EVERY_STEP covers the step table').toContain(name)
  })

  it('keeps previous null or the last secret the customer really had, through generated sequences of rotations, lost responses and operator actions', async () => {
    const freshKey = await chainSetup()
    const ran: Record<string, number> = {}
    const property = fc.asyncProperty(
      fc.commands([stepArbitrary], { maxCommands: MAX_STEPS, size: 'max', ...(REPLAY?.replayPath ? { replayPath: REPLAY.replayPath } : {}) }),
      async (commands) => {
        // Every sequence (and every shrink of a failing one) starts from a fresh key.
        const { model, real } = await freshKey()
        await fc.asyncModelRun(() => ({ model, real }), commands)
        for (const step of real.trail) ran[step] = (ran[step] ?? 0) + 1
      }
    )
    const details = await fc.check(property, { numRuns: RUNS, ...(REPLAY ? { seed: REPLAY.seed, path: REPLAY.path } : {}) })
    if (details.failed) {
      const replayPath = /replayPath="([^"]*)"/.exec(String(details.counterexample?.[0]))?.[1]
      const replay = `CHAIN_INVARIANT_SEED=${details.seed} CHAIN_INVARIANT_PATH=${details.counterexamplePath}` +
        (replayPath ? ` CHAIN_INVARIANT_REPLAY_PATH=${replayPath}` : '')
      const report = await fc.asyncDefaultReportMessage(details)
      throw new Error(`Replay: ${replay} npx vitest run test/domain/chain-invariant.test.ts\n${report}\n${String(details.errorInstance)}`, { cause: details.errorInstance })
    }
    console.log(`chain invariant: ${details.numRuns} generated sequences, steps run: ${JSON.stringify(ran)}`)
  }, Math.max(10 * 60_000, RUNS * MAX_STEPS * 3000))
})
