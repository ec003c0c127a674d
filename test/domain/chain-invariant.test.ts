import { randomUUID } from 'node:crypto'
import http from 'node:http'
import fc from 'fast-check'
import type { LightMyRequestResponse } from 'fastify'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Logger } from 'pino'
import { createRotationClient } from '@webhook-secret-rotation/client'
import { verifySignature } from '@webhook-secret-rotation/signing'
import { createRotationRequests } from '../../src/domain/rotation-requests.js'
import { createScheduledRotations } from '../../src/domain/rotation-schedules.js'
import { enqueueRotation } from '../../src/queue/rotation-queue.js'
import { backdateSchedule, putSchedule, SCHEDULE_PATH, scheduledRotations } from '../fixtures/rotation-schedule.js'
import { startHoldingProxy } from '../fixtures/holding-proxy.js'
import { createOperator } from '../fixtures/operators.js'
import { startReceiver, type Received } from '../fixtures/receiver.js'
import { buildTestContext, createTestDatabase, eventually, json, ROTATE_PATH, ROTATIONS_PATH, type TestContext } from '../helper.js'

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

/** One secret of the key, as the model follows it. */
interface Secret {
  value: string
  /** S0, S1, … in the order the key had them: for failure messages. */
  name: string
  /** The customer got it: a response it read, or handed over by an operator. */
  received: boolean
  /** A response carrying it was completely written (read or lost after the write): the customer may hold it. */
  written: boolean
  /** Issued with the key, restored by a rollback, or acknowledged. */
  confirmed: boolean
  /**
   * Why it stopped signing, while the model says it may not: `unwritten` (the delivered rule
   * discarded a secret no response carried), `operator` (expired, or the current secret a rollback
   * or a recovery discards), `bound` (SIGNING_SECRETS_MAX). Windows are 7 days: none ends in a run.
   */
  stopped: 'unwritten' | 'operator' | 'bound' | null
  /** Made by a scheduled rotation: held for the customer's pickup. */
  scheduled?: boolean
}

/**
 * The model: the key's secrets and what the customer may hold of each. A customer rotation keeps
 * the current secret signing if a response carrying it was written, else discards it (the
 * delivered rule); no rotation pushes a retained secret out except past the bound.
 */
interface Model {
  current: Secret
  /** The non-current secrets that sign every delivery, newest first. */
  retained: Secret[]
  /** Every secret the key ever had. */
  all: Secret[]
  /** SIGNING_SECRETS_MAX − 1. */
  maxRetained: number
}

interface Real {
  ctx: TestContext
  worker: ReturnType<TestContext['startWorker']>
  address: string
  /** Every answer through it is lost after the service wrote it. */
  resetting: Awaited<ReturnType<typeof startHoldingProxy>>
  receiver: Awaited<ReturnType<typeof startReceiver>>
  key: { apiKey: string; apiKeyId: string }
  operatorAction: (action: string) => Promise<LightMyRequestResponse>
  /** One run of the rotation job scheduler, as the worker makes it. */
  schedulerRun: () => Promise<unknown>
  trail: string[]
}

/** What a step leaves for the invariant: the rotation whose announcement is its delivery, and a rollback's facts. */
interface StepResult {
  announced?: string
  rollback?: { restoredConfirmed: boolean; receivedBefore: Secret[] }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function addSecret (m: Model, value: string, facts: Pick<Secret, 'received' | 'written' | 'confirmed'>): Secret {
  const s: Secret = { value, name: `S${m.all.length}`, ...facts, stopped: null }
  m.all.push(s)
  return s
}

/** The secrets the customer may hold and still needs: every delivery must verify under each of them. */
function mayHold (m: Model) {
  return m.all.filter((s) => s.written && s.stopped === null)
}

/** Waits until a response's delivery of a rotation's secret is recorded (it lands just after the response). */
async function deliveryRecorded (ctx: TestContext, rotationId: string) {
  await eventually(async () => {
    const { rows } = await ctx.pool.query('select 1 from webhook_secret_rotations where id = $1 and secret_first_delivered_at is not null', [rotationId])
    return rows.length === 1
  })
}

async function rotationByIdempotencyKey (ctx: TestContext, idempotencyKey: string) {
  const { rows } = await ctx.pool.query<{ id: string }>('select id from webhook_secret_rotations where idempotency_key = $1', [idempotencyKey])
  return rows[0]?.id
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
    const recorded = await eventually(async () => (await rotationByIdempotencyKey(ctx, idempotencyKey)) ?? (answered ? 'refused' : undefined), 20_000, 20)
    req.destroy()
    await closed
    return recorded === 'refused' ? null : recorded
  } finally {
    worker.rotations.resume()
  }
}

/**
 * A rotate request through a proxy that reads the service's whole answer and resets the client's
 * connection without passing a byte on. Returns the status the service answered (the client saw none).
 */
async function rotateAnswerLostAfterWrite (r: Real, idempotencyKey: string) {
  const seen = r.resetting.answers.length
  const clientGot = await new Promise<string>((resolve) => {
    const req = http.request(`${r.resetting.url}${ROTATE_PATH}`, { method: 'POST', agent: false, headers: { 'x-api-key': r.key.apiKey, 'idempotency-key': idempotencyKey } })
    req.once('response', (res) => { res.resume(); resolve(`an answer (${res.statusCode})`) })
    req.once('error', () => resolve('a network error'))
    req.end()
  })
  expect(clientGot, r.trail.join(' ')).toBe('a network error')
  const answers = await r.resetting.waitForAnswers(seen + 1)
  return answers[seen]!.status
}

/** A customer rotation moved the key to `fresh`: the current secret keeps signing if it may be held, past the bound the oldest go. */
function rotated (m: Model, fresh: Secret) {
  if (!m.current.written) {
    m.current.stopped = 'unwritten'
  } else {
    m.retained.unshift(m.current)
    const keep = m.retained.find((s) => s.confirmed) // the rollback target stays while its window lasts
    for (let i = m.retained.length - 1; i >= 0 && m.retained.length > m.maxRetained; i--) {
      if (m.retained[i] === keep) continue
      m.retained[i]!.stopped = 'bound'
      m.retained.splice(i, 1)
    }
  }
  m.current = fresh
}

/** A rotate call as the upstream SDK makes it: a cooldown 429 is retried with the same key after Retry-After. */
async function rotateReceived (r: Real) {
  const idempotencyKey = randomUUID()
  let res = await r.ctx.rotate(r.key.apiKey, { idempotencyKey })
  if (res.statusCode === 429) {
    r.trail.push('(cooldown, retried)')
    await sleep(Number(res.headers['retry-after']) * 1000)
    res = await r.ctx.rotate(r.key.apiKey, { idempotencyKey })
  }
  expect(res.statusCode, r.trail.join(' ')).toBe(200)
  const { rotationId, secret } = json(res).webhookSecret as { rotationId: string; secret: string }
  await deliveryRecorded(r.ctx, rotationId)
  return { rotationId, secret }
}

/**
 * The steps a sequence is made of, with their weights. Each one acts on the service and updates the
 * model; the chain invariant is checked after every step. To add a step, add an entry.
 */
type StepName = 'rotate' | 'rotate-acknowledged' | 'lost-response' | 'lost-after-write' | 'wait-cooldown' | 'recover' | 'rollback' | 'expire-previous' | 'scheduled' | 'pickup'
const STEPS: Record<StepName, { weight: number, act: (m: Model, r: Real) => Promise<StepResult> }> = {
  rotate: {
    weight: 2,
    async act (m, r) {
      const { rotationId, secret } = await rotateReceived(r)
      rotated(m, addSecret(m, secret, { received: true, written: true, confirmed: false }))
      return { announced: rotationId }
    },
  },
  'rotate-acknowledged': {
    weight: 1,
    async act (m, r) {
      // As this service's client does: the secret is stored, then the rotation acknowledged (confirmed).
      const { rotationId, secret } = await rotateReceived(r)
      const ack = await r.ctx.post(r.key.apiKey, `${ROTATIONS_PATH}/${rotationId}/acknowledge`)
      expect(ack.statusCode, r.trail.join(' ')).toBe(200)
      rotated(m, addSecret(m, secret, { received: true, written: true, confirmed: true }))
      return { announced: rotationId }
    },
  },
  'lost-response': {
    weight: 1,
    async act (m, r) {
      // A response lost before it was written: the rotation succeeds, its secret undelivered. A
      // cooldown refusal is retried after it, as the SDK does.
      let status: string | undefined
      let rotationId: string | null = null
      for (let tries = 0; status !== 'succeeded'; tries++) {
        expect(tries, r.trail.join(' ')).toBeLessThan(3)
        if (tries > 0) {
          r.trail.push('(cooldown, retried)')
          await sleep(1050)
        }
        rotationId = await rotateAndLoseResponse(r)
        const id = rotationId
        status = id === null
          ? 'refused'
          : await eventually(async () => {
            const { rows } = await r.ctx.pool.query("select status from webhook_secret_rotations where id = $1 and status in ('succeeded', 'rejected')", [id])
            return rows[0]?.status as string | undefined
          })
      }
      rotated(m, addSecret(m, await newCurrent(m, r), { received: false, written: false, confirmed: false }))
      return { announced: rotationId! }
    },
  },
  'lost-after-write': {
    weight: 1,
    async act (m, r) {
      // A response lost after the service wrote it whole (a load balancer's reset, a dropped mobile
      // network): the service saw `finish`, so the customer may hold the secret, but never got it.
      // A cooldown 429 (lost the same way) is followed by another call after the cooldown.
      for (let tries = 0; ; tries++) {
        expect(tries, r.trail.join(' ')).toBeLessThan(3)
        if (tries > 0) {
          r.trail.push('(cooldown, called again)')
          await sleep(1050)
        }
        const idempotencyKey = randomUUID()
        const status = await rotateAnswerLostAfterWrite(r, idempotencyKey)
        if (status === 429) continue
        expect(status, r.trail.join(' ')).toBe(200)
        const rotationId = (await rotationByIdempotencyKey(r.ctx, idempotencyKey))!
        await deliveryRecorded(r.ctx, rotationId)
        rotated(m, addSecret(m, await newCurrent(m, r), { received: false, written: true, confirmed: false }))
        return { announced: rotationId }
      }
    },
  },
  scheduled: {
    weight: 1,
    async act (m, r) {
      // The key's schedule comes round (a day, backdated) and the job scheduler's run rotates it:
      // nobody reads the new secret until a pickup. The schedule is removed again, so only this
      // key is ever due.
      expect((await putSchedule(r.ctx, r.key.apiKey, { everyDays: 1 })).statusCode, r.trail.join(' ')).toBe(200)
      await backdateSchedule(r.ctx, r.key.apiKeyId, 2)
      const before = (await scheduledRotations(r.ctx, r.key.apiKeyId)).length
      await r.schedulerRun()
      const rotation = await eventually(async () => {
        const rows = await scheduledRotations(r.ctx, r.key.apiKeyId)
        return rows.length > before && ['succeeded', 'rejected', 'failed'].includes(rows.at(-1)!.status) && rows.at(-1)
      })
      expect(rotation.status, r.trail.join(' ')).toBe('succeeded')
      await r.ctx.app.inject({ method: 'DELETE', url: SCHEDULE_PATH, headers: { 'x-api-key': r.key.apiKey } })
      const fresh = addSecret(m, await newCurrent(m, r), { received: false, written: false, confirmed: false })
      fresh.scheduled = true
      rotated(m, fresh)
      return { announced: rotation.id }
    },
  },
  pickup: {
    weight: 1,
    async act (m, r) {
      // The customer's client picks up what the schedule made: exactly the scheduled secrets
      // nobody read that still sign, each then received and acknowledged.
      const handed: string[] = []
      await createRotationClient({ apiUrl: r.address, apiKey: r.key.apiKey }).pickup({ onSecret: ({ secret }) => { handed.push(secret) } })
      const expected = m.all.filter((s) => s.scheduled && !s.received && s.stopped === null)
      expect(handed.map((v) => m.all.find((s) => s.value === v)?.name ?? 'a secret the model never saw'), r.trail.join(' ')).toEqual(expected.map((s) => s.name))
      for (const s of expected) Object.assign(s, { received: true, written: true, confirmed: true })
      return {}
    },
  },
  'wait-cooldown': {
    weight: 1,
    async act () {
      await sleep(1050)
      return {}
    },
  },
  recover: {
    weight: 1,
    async act (m, r) {
      const res = await r.operatorAction('recover')
      expect(res.statusCode, r.trail.join(' ')).toBe(200)
      const { id, secret } = json(res).rotation as { id: string; secret: string }
      await deliveryRecorded(r.ctx, id)
      m.current.stopped = 'operator' // the secret the customer lost; the retained ones keep signing
      m.current = addSecret(m, secret, { received: true, written: true, confirmed: false }) // handed over by the operator
      return { announced: id }
    },
  },
  rollback: {
    weight: 1,
    async act (m, r) {
      const res = await r.operatorAction('rollback')
      if (m.retained.length === 0) {
        expect(res.statusCode, r.trail.join(' ')).toBe(409)
        expect(res.headers['x-error-code']).toBe('NO_PREVIOUS_SECRET')
        return {}
      }
      expect(res.statusCode, r.trail.join(' ')).toBe(200)
      // The newest confirmed retained secret, else the newest (and the event says it is not confirmed).
      const target = m.retained.find((s) => s.confirmed) ?? m.retained[0]!
      const receivedBefore = m.retained.filter((s) => s.received)
      const rollback = { restoredConfirmed: target.confirmed, receivedBefore }
      m.current.stopped = 'operator' // the failed secret; every other retained secret keeps signing
      m.retained = m.retained.filter((s) => s !== target)
      target.confirmed = true
      m.current = target
      return { announced: json(res).rotation.id as string, rollback }
    },
  },
  'expire-previous': {
    weight: 1,
    async act (m, r) {
      expect((await r.operatorAction('expire-previous')).statusCode, r.trail.join(' ')).toBe(200)
      for (const s of m.retained) s.stopped = 'operator'
      m.retained = []
      return {}
    },
  },
}

/** The key's new current secret after a rotation whose answer the customer never read. */
async function newCurrent (m: Model, r: Real) {
  const fresh = (await r.ctx.secretSlots(r.key.apiKeyId)).current
  expect(fresh, `${r.trail.join(' ')}: the rotation changed nothing`).not.toBe(m.current.value)
  return fresh
}

/** A delivery the receiver got: the step's announcement, else a test delivery sent now (signed as every delivery is). */
async function deliveryAfter (r: Real, result: StepResult): Promise<Received & { data: Record<string, unknown> }> {
  const parsed = (d: Received) => ({ ...d, ...(JSON.parse(d.body) as { id: string; data: Record<string, unknown> }) })
  let match: (d: ReturnType<typeof parsed>) => boolean
  if (result.announced !== undefined) {
    match = (d) => d.data.rotationId === result.announced
  } else {
    const res = await r.ctx.post(r.key.apiKey, '/v1/auth/api-keys/me/webhook-secret/test-delivery')
    expect(res.statusCode, r.trail.join(' ')).toBe(202)
    const eventId = json(res).event.id as string
    match = (d) => d.id === eventId
  }
  return eventually(async () => r.receiver.received.map(parsed).find(match))
}

const label = (s: Secret) => `${s.name} (${[s.received ? 'received' : 'answer lost after it was written', s.confirmed ? 'confirmed' : 'unconfirmed'].join(', ')})`

/**
 * The invariant: every delivery verifies under every secret the customer may hold (each one a
 * response carried, still in its window, not stopped by an operator or the bound), and no rollback
 * leaves the customer without a verifying secret it received. Then the signing set is exactly the model's.
 */
async function checkChain (m: Model, r: Real, result: StepResult) {
  const where = `after: ${r.trail.join(' ')}`
  const delivery = await deliveryAfter(r, result)
  const verifies = (s: Secret) => verifySignature(delivery.body, delivery.headers['x-kash-signature'] as string, s.value, { toleranceMs: Number.MAX_SAFE_INTEGER }).ok
  for (const s of mayHold(m)) expect(verifies(s), `${where}: a delivery does not verify under ${label(s)}, which the customer may hold`).toBe(true)
  if (result.rollback) {
    expect(delivery.data.restoredConfirmed, `${where}: the rollback says whether the restored secret was confirmed`).toBe(result.rollback.restoredConfirmed)
    if (result.rollback.receivedBefore.length > 0) {
      const held = m.all.filter((s) => s.received && s.stopped === null)
      expect(held.some(verifies), `${where}: the rollback left no secret the customer received verifying (it had ${result.rollback.receivedBefore.map(label).join(', ')})`).toBe(true)
    }
  }
  const actual = await r.ctx.secretSlots(r.key.apiKeyId)
  const names = (values: string[]) => values.map((v) => m.all.find((s) => s.value === v)?.name ?? 'a secret the model never saw')
  expect(names(actual.signing), `${where}: the signing set (current first, then retained newest first)`).toEqual(names([m.current, ...m.retained].map((s) => s.value)))
}

function stepCommand (name: StepName): fc.AsyncCommand<Model, Real> {
  return {
    check: () => true,
    async run (m, r) {
      r.trail.push(name)
      await checkChain(m, r, await STEPS[name].act(m, r))
    },
    toString: () => name,
  }
}

const stepArbitrary = fc.oneof(...(Object.keys(STEPS) as StepName[]).map((name) => ({ arbitrary: fc.constant(stepCommand(name)), weight: STEPS[name].weight })))

/**
 * A sequence that takes every step: an answer lost after the write kept signing, an unwritten
 * secret discarded, the bound (SIGNING_SECRETS_MAX 4) dropping the oldest but not the newest
 * confirmed, rollbacks to a confirmed and to an unconfirmed secret, none left to roll back to.
 */
const EVERY_STEP: StepName[] = [
  'rotate', 'lost-after-write', 'lost-response', 'rotate-acknowledged', 'rotate', 'rollback',
  'recover', 'rollback', 'wait-cooldown', 'expire-previous', 'rollback',
  'scheduled', 'pickup', 'scheduled', 'recover', 'pickup',
]

/** A listening API with its worker, an operator, a resetting proxy, a webhook receiver, and a fresh key (with its model) for each sequence. */
async function chainSetup () {
  const ctx = await buildTestContext({
    databaseUrl,
    worker: false,
    env: { ROTATION_COOLDOWN_SECONDS: '1', WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true', DELIVERY_BACKOFF_BASE_MS: '50', DELIVERY_BACKOFF_CAP_MS: '200', RATE_LIMIT_PER_MINUTE: '100000' },
  })
  const worker = ctx.startWorker()
  const address = await ctx.app.listen({ port: 0, host: '127.0.0.1' })
  const resetting = await startHoldingProxy(address, () => 'reset')
  const receiver = await startReceiver()
  const operator = await createOperator(ctx, `prop-${randomUUID()}`)
  const log = ctx.app.log as Logger
  const schedulerRun = createScheduledRotations({
    pool: ctx.pool, log, rotationRequests: createRotationRequests({ pool: ctx.pool, config: ctx.config, log, enqueue: (id) => enqueueRotation(ctx.queue, id) }),
  })
  return async () => {
    const key = await ctx.createKey({ webhookUrl: receiver.url })
    const real: Real = {
      ctx,
      worker,
      address,
      resetting,
      receiver,
      key,
      schedulerRun,
      trail: [],
      operatorAction: (action) => ctx.app.inject({
        method: 'POST',
        url: `/v1/admin/api-keys/${key.apiKeyId}/webhook-secret/${action}`,
        headers: { authorization: `Bearer ${operator.token}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
        payload: JSON.stringify({ reason: 'property test step' }),
      }),
    }
    const model: Model = { current: undefined as unknown as Secret, retained: [], all: [], maxRetained: ctx.config.SIGNING_SECRETS_MAX - 1 }
    model.current = addSecret(model, key.webhookSecret!, { received: true, written: true, confirmed: true })
    return { model, real }
  }
}

describe('the signing chain', () => {
  it('signs every delivery with every secret the customer may hold, through a sequence that takes every step', async () => {
    const { model, real } = await (await chainSetup())()
    await fc.asyncModelRun(() => ({ model, real }), EVERY_STEP.map(stepCommand))
    for (const name of Object.keys(STEPS)) expect(real.trail, 'EVERY_STEP covers the step table').toContain(name)
    expect(model.all.map((s) => s.stopped), 'EVERY_STEP reaches the bound and the delivered rule').toEqual(expect.arrayContaining(['bound', 'unwritten']))
  })

  it('signs every delivery with every secret the customer may hold, through generated sequences of rotations, lost responses and operator actions', async () => {
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
