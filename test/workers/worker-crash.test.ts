import { once } from 'node:events'
import { QueueEvents } from 'bullmq'
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { ROTATION_QUEUE } from '../../src/queue/rotation-queue.js'
import { spawnWorkerProcess } from '../fixtures/spawn-worker.js'
import { buildTestContext, createTestDatabase, json } from '../helper.js'

let databaseUrl: string
beforeAll(async () => { databaseUrl = await createTestDatabase() })

const SHORT_LOCKS = { WORKER_LOCK_DURATION_MS: '1000', WORKER_STALLED_INTERVAL_MS: '500' }

describe('a worker killed after its commit and before the job completed', () => {
  it('leaves the job to another worker, which re-runs it without rotating twice', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false, env: SHORT_LOCKS })
    const key = await ctx.createKey()
    const accepted = await ctx.rotate(key.apiKey, { idempotencyKey: 'crash-1', prefer: 'respond-async' })
    expect(accepted.statusCode).toBe(202)
    const rotationId = json(accepted).rotation.id

    const child = spawnWorkerProcess(ctx, SHORT_LOCKS)
    let out = ''
    child.stdout.on('data', (d: Buffer) => { out += d.toString() })
    while (!out.includes(`COMMITTED ${rotationId} succeeded`)) {
      if (child.exitCode !== null) throw new Error(`worker process exited early: ${out}`)
      await once(child.stdout, 'data')
    }

    // Committed in Postgres, still active in BullMQ: the job's completion never happened.
    const { rows: [committed] } = await ctx.pool.query(
      'select r.status, k.secret_version from webhook_secret_rotations r join api_keys k on k.id = r.api_key_id where r.id = $1', [rotationId])
    expect(committed).toEqual({ status: 'succeeded', secret_version: 2 })
    const job = (await ctx.queue.getJob(rotationId))!
    expect(await job.getState()).toBe('active')

    child.kill('SIGKILL')
    await once(child, 'exit')

    const events = new QueueEvents(ROTATION_QUEUE, { connection: { url: ctx.config.REDIS_URL }, prefix: ctx.config.QUEUE_PREFIX })
    onTestFinished(() => events.close())
    await events.waitUntilReady()
    ctx.startWorker()
    const result = await job.waitUntilFinished(events, 30_000)

    expect(result).toEqual({ rotationId, status: 'succeeded' })
    const { rows: [after] } = await ctx.pool.query(
      `select k.secret_version,
              (select count(*)::int from webhook_secret_rotations where api_key_id = k.id) as rotations,
              (select count(*)::int from audit_events where rotation_id = $2 and action = 'webhook_secret.rotated') as rotated_events
       from api_keys k where k.id = $1`, [key.apiKeyId, rotationId])
    expect(after).toEqual({ secret_version: 2, rotations: 1, rotated_events: 1 })

    const replay = await ctx.rotate(key.apiKey, { idempotencyKey: 'crash-1' })
    expect(replay.statusCode).toBe(200)
    expect(json(replay).webhookSecret.rotationId).toBe(rotationId)
  })
})
