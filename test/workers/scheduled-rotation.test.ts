import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import type { Logger } from 'pino'
import { beforeAll, describe, expect, it } from 'vitest'
import { createRotationClient, type RotatedSecret } from '@webhook-secret-rotation/client'
import { revokeKey } from '../../src/domain/api-keys.js'
import { createRotationRequests } from '../../src/domain/rotation-requests.js'
import { createScheduledRotations } from '../../src/domain/rotation-schedules.js'
import { enqueueRotation, SCHEDULED_ROTATIONS } from '../../src/queue/rotation-queue.js'
import { asymmetricVerdicts, VERIFIES } from '../fixtures/asymmetric-verdicts.js'
import { listenOnLoopback } from '../fixtures/listen.js'
import { startReceiver } from '../fixtures/receiver.js'
import { backdateSchedule, keyRotatedBySchedule, SCHEDULE_TEST_ENV, finishedScheduled, scheduledKey, scheduledRotations, type ScheduledRow } from '../fixtures/rotation-schedule.js'
import { fetchJwks, testDelivery } from '../fixtures/signing-scheme.js'
import { ALL, verdicts } from '../fixtures/verdicts.js'
import { buildTestContext, createTestDatabase, eventually, json, ROTATIONS_PATH, type TestContext } from '../helper.js'

let databaseUrl: string
beforeAll(async () => { databaseUrl = await createTestDatabase() })

const METADATA = '/v1/auth/api-keys/me/webhook-secret'
const ENV = SCHEDULE_TEST_ENV
const DAY_S = 86_400

async function auditOf (ctx: TestContext, rotationId: string) {
  const { rows } = await ctx.pool.query('select actor_type, actor, action, details from audit_events where rotation_id = $1 order by id', [rotationId])
  return rows
}

/** The scheduler's run as the worker makes it, on this context's queue (for runs a test drives itself). */
function schedulerRun (ctx: TestContext) {
  const rotationRequests = createRotationRequests({ pool: ctx.pool, config: ctx.config, log: ctx.app.log as Logger, enqueue: (id) => enqueueRotation(ctx.queue, id) })
  return createScheduledRotations({ pool: ctx.pool, rotationRequests, log: ctx.app.log as Logger })
}

describe('scheduled rotation', () => {
  it('of an asymmetric key: the job scheduler rotates the key pair when due, needing nobody; the JWKS changes and deliveries verify during and after', async () => {
    const receiver = await startReceiver()
    const ctx = await buildTestContext({ databaseUrl, env: ENV })
    const key = await scheduledKey(ctx, receiver.url, 'asymmetric')
    const { jwksUrl } = json(await ctx.get(key.apiKey, METADATA)).webhookSecret
    const [oldJwk] = await fetchJwks(ctx, jwksUrl)
    // The worker upserted the one job scheduler behind every key's schedule.
    expect(await eventually(() => ctx.queue.getJobScheduler(SCHEDULED_ROTATIONS))).toMatchObject({ every: 200, name: SCHEDULED_ROTATIONS })

    await backdateSchedule(ctx, key.apiKeyId, 2)
    const [rotation] = (await finishedScheduled(ctx, key.apiKeyId, 1)) as [ScheduledRow]
    expect(rotation).toMatchObject({ status: 'succeeded', secret_erased_reason: null })
    const view = json(await ctx.get(key.apiKey, `${ROTATIONS_PATH}/${rotation.id}`)).rotation
    // Nothing secret was made: the key pair rotated, the whsec_ secret stayed.
    expect(view).toMatchObject({ kind: 'scheduled', secret: null, secretHeld: false, signingKey: { current: true } })
    expect((await ctx.secretSlots(key.apiKeyId)).current).toBe(key.webhookSecret)
    expect(await auditOf(ctx, rotation.id)).toEqual([
      expect.objectContaining({ actor_type: 'system', actor: 'scheduler', action: 'webhook_secret.rotated', details: expect.objectContaining({ kind: 'scheduled', path: 'key_pair_only', kid: view.signingKey.kid }) }),
    ])

    const jwks = await fetchJwks(ctx, jwksUrl)
    expect(jwks.map((k) => k.kid)).toEqual([view.signingKey.kid, oldJwk!.kid])
    // The rotation's own event is signed by the new key pair and the retained one.
    const [during] = await receiver.waitFor(1)
    expect(JSON.parse(during!.body)).toMatchObject({ type: 'webhook_secret.rotated', data: { rotationId: rotation.id, kind: 'scheduled' } })
    expect(asymmetricVerdicts(during!, jwks[0]!)).toEqual(VERIFIES)
    expect(asymmetricVerdicts(during!, oldJwk!)).toEqual(VERIFIES)
    await testDelivery(ctx, key.apiKey, 'current')
    const [, after] = await receiver.waitFor(2)
    expect(asymmetricVerdicts(after!, jwks[0]!)).toEqual(VERIFIES)

    // No longer due: the next run is a day after this rotation.
    const schedule = json(await ctx.get(key.apiKey, METADATA)).webhookSecret
    expect(Date.parse(schedule.rotationSchedule.nextRotationAt) - Date.parse(schedule.rotatedAt)).toBe(DAY_S * 1000)
  })

  it('of a symmetric key: the new secret is held for the retention window; pickup hands it over and acknowledges; deliveries verify under the old and the new secret', async () => {
    const ctx = await buildTestContext({ databaseUrl, env: ENV })
    const { receiver, key, rotation } = await keyRotatedBySchedule(ctx)
    expect(rotation.status).toBe('succeeded')
    const { rows: [hold] } = await ctx.pool.query('select extract(epoch from secret_available_until - rotated_at)::int as seconds from webhook_secret_rotations where id = $1', [rotation.id])
    expect(hold.seconds).toBe(ctx.config.PREVIOUS_SECRET_RETENTION_SECONDS)

    const stateFile = join(await mkdtemp(join(tmpdir(), 'pickup-')), 'pickup.json')
    const client = createRotationClient({ apiUrl: await listenOnLoopback(ctx), apiKey: key.apiKey })
    const handed: RotatedSecret[] = []
    const picked = await client.pickup({ stateFile, onSecret: (s) => { handed.push(s) } })
    expect(picked.map((p) => p.rotationId)).toEqual([rotation.id])
    expect(handed.map((h) => h.secret)).toEqual([(await ctx.secretSlots(key.apiKeyId)).current])
    expect(await scheduledRotations(ctx, key.apiKeyId)).toEqual([{ ...rotation, secret_erased_reason: 'acknowledged' }])
    // Again: nothing pending, nothing handed over.
    expect(await client.pickup({ stateFile, onSecret: (s) => { handed.push(s) } })).toEqual([])
    expect(handed).toHaveLength(1)

    // The rotated event verifies under the secret the customer had and under the new one.
    const [during] = await receiver.waitFor(1)
    expect(JSON.parse(during!.body)).toMatchObject({ type: 'webhook_secret.rotated', data: { kind: 'scheduled', path: 'current_to_previous' } })
    expect(verdicts(during!, key.webhookSecret!)).toEqual(ALL)
    expect(verdicts(during!, handed[0]!.secret)).toEqual(ALL)
    await testDelivery(ctx, key.apiKey, 'current')
    const [, after] = await receiver.waitFor(2)
    expect(verdicts(after!, handed[0]!.secret)).toEqual(ALL)
  })

  it('of a symmetric key nobody picks up: the next scheduled rotation discards the never-fetched secret and the customer\'s secret keeps signing', async () => {
    const ctx = await buildTestContext({ databaseUrl, env: ENV })
    const { receiver, key, rotation: first } = await keyRotatedBySchedule(ctx)
    const [issued] = (await ctx.secretSlots(key.apiKeyId)).retained
    expect(issued!.secret).toBe(key.webhookSecret)

    await backdateSchedule(ctx, key.apiKeyId, 2)
    const [, second] = await finishedScheduled(ctx, key.apiKeyId, 2)
    expect(second!.status).toBe('succeeded')
    // The first secret was never delivered: discarded, its held copy erased; the second is held.
    expect((await scheduledRotations(ctx, key.apiKeyId))[0]).toEqual({ ...first, secret_erased_reason: 'superseded_undelivered' })
    expect(await auditOf(ctx, second!.id)).toContainEqual(expect.objectContaining({ action: 'webhook_secret.rotated', details: expect.objectContaining({ kind: 'scheduled', path: 'undelivered_discarded', discardedRotationId: first.id }) }))
    // The secret the customer has (issued with the key) signs still, its window restarted.
    const slots = await ctx.secretSlots(key.apiKeyId)
    expect(slots.retained.map((r) => r.secret)).toEqual([key.webhookSecret])
    expect(slots.retained[0]!.retainedUntil.getTime()).toBeGreaterThan(issued!.retainedUntil.getTime())
    const [, event] = await receiver.waitFor(2)
    expect(JSON.parse(event!.body)).toMatchObject({ data: { rotationId: second!.id } })
    expect(verdicts(event!, key.webhookSecret!)).toEqual(ALL)

    // A late pickup gets only the secret in force.
    const handed: RotatedSecret[] = []
    const client = createRotationClient({ apiUrl: await listenOnLoopback(ctx), apiKey: key.apiKey })
    await client.pickup({ onSecret: (s) => { handed.push(s) } })
    expect(handed.map((h) => [h.rotationId, h.secret])).toEqual([[second!.id, slots.current]])
  })

  it('a customer rotation right after a scheduled one meets its cooldown, and is pointed at the scheduled rotation\'s secret', async () => {
    const ctx = await buildTestContext({ databaseUrl, env: ENV })
    const { key, rotation } = await keyRotatedBySchedule(ctx)
    const refused = await ctx.rotate(key.apiKey, { idempotencyKey: randomUUID() })
    expect(refused.statusCode).toBe(429)
    expect(json(refused)).toMatchObject({ code: 'WEBHOOK_SECRET_ROTATION_COOLDOWN', rotationId: rotation.id, secretRecoverable: true })
    expect(refused.headers.link).toBe(`<${ROTATIONS_PATH}/${rotation.id}>; rel="related"`)
    const fetched = json(await ctx.get(key.apiKey, `${ROTATIONS_PATH}/${rotation.id}`)).rotation
    expect(fetched.secret).toBe((await ctx.secretSlots(key.apiKeyId)).current)
  })

  it('a redelivered or overlapping scheduler run never rotates a key twice', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false })
    const receiver = await startReceiver()
    const key = await scheduledKey(ctx, receiver.url)
    await backdateSchedule(ctx, key.apiKeyId, 2)
    const run = schedulerRun(ctx)
    // Other keys of this file's database may be swept too: only this key's rotations count.
    await Promise.all([run(), run(), run()])
    await run()
    const rows = await scheduledRotations(ctx, key.apiKeyId)
    expect(rows.map((r) => r.status)).toEqual(['queued'])

    ctx.startWorker()
    await finishedScheduled(ctx, key.apiKeyId, 1)
    // Once it succeeded the key is no longer due: a late redelivery finds nothing to do.
    await run()
    expect(await scheduledRotations(ctx, key.apiKeyId)).toHaveLength(1)
  })

  it('inside the cooldown: refused by the rule, audited as scheduled, and not tried again until the cooldown ends', async () => {
    // A cooldown longer than the interval, so a schedule can come round inside it.
    const ctx = await buildTestContext({ databaseUrl, env: { ...ENV, ROTATION_COOLDOWN_SECONDS: String(3 * DAY_S) } })
    const receiver = await startReceiver()
    const key = await scheduledKey(ctx, receiver.url)
    expect(json(await ctx.rotate(key.apiKey, { idempotencyKey: randomUUID() })).webhookSecret.rotationId).toBeDefined()
    const before = await ctx.secretSlots(key.apiKeyId)
    await backdateSchedule(ctx, key.apiKeyId, 2)

    const [refused] = await finishedScheduled(ctx, key.apiKeyId, 1)
    expect(refused).toMatchObject({ status: 'rejected', error_code: 'WEBHOOK_SECRET_ROTATION_COOLDOWN' })
    expect(await auditOf(ctx, refused!.id)).toEqual([
      { actor_type: 'system', actor: 'scheduler', action: 'webhook_secret.rotation_rejected', details: { kind: 'scheduled', errorCode: 'WEBHOOK_SECRET_ROTATION_COOLDOWN' } },
    ])
    expect((await ctx.secretSlots(key.apiKeyId)).signing).toEqual(before.signing)
    // Still due, but not asked again while the cooldown that refused it lasts.
    await schedulerRun(ctx)()
    expect(await scheduledRotations(ctx, key.apiKeyId)).toHaveLength(1)
  })

  it('the job scheduler comes back when Redis lost it (a flushed or replaced Redis)', async () => {
    const ctx = await buildTestContext({ databaseUrl, env: ENV })
    await eventually(() => ctx.queue.getJobScheduler(SCHEDULED_ROTATIONS))
    expect(await ctx.queue.removeJobScheduler(SCHEDULED_ROTATIONS)).toBe(true)
    expect(await eventually(() => ctx.queue.getJobScheduler(SCHEDULED_ROTATIONS))).toMatchObject({ every: 200 })
    // And it runs again: a key that falls due is rotated.
    expect((await keyRotatedBySchedule(ctx)).rotation.status).toBe('succeeded')
  })

  it('never rotates a revoked or expired key, or one whose schedule was removed', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false })
    const receiver = await startReceiver()
    const [revoked, expired, removed] = [await scheduledKey(ctx, receiver.url), await scheduledKey(ctx, receiver.url), await scheduledKey(ctx, receiver.url)]
    await revokeKey(ctx.pool, revoked.apiKeyId, { actorType: 'system', actor: 'test' })
    await ctx.pool.query("update api_keys set expires_at = now() - interval '1 second' where id = $1", [expired.apiKeyId])
    await ctx.app.inject({ method: 'DELETE', url: `${METADATA}/schedule`, headers: { 'x-api-key': removed.apiKey } })
    for (const key of [revoked, expired, removed]) await backdateSchedule(ctx, key.apiKeyId, 2)
    await schedulerRun(ctx)()
    for (const key of [revoked, expired, removed]) expect(await scheduledRotations(ctx, key.apiKeyId)).toEqual([])
  })
})
