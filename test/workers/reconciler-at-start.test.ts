import { beforeAll, describe, expect, it } from 'vitest'
import { buildTestContext, createTestDatabase, eventually, json, ROTATIONS_PATH } from '../helper.js'

let databaseUrl: string
beforeAll(async () => { databaseUrl = await createTestDatabase() })

describe('a worker that does not live long', () => {
  it('still reconciles once: its start gives a rotation whose job Redis lost its job back', async () => {
    // The longest reconcile interval: a worker gone before it would never have reconciled.
    const ctx = await buildTestContext({ databaseUrl, worker: false, env: { RECONCILE_INTERVAL_MS: '10000', RECONCILE_AFTER_MS: '0' } })
    const key = await ctx.createKey()
    const accepted = await ctx.rotate(key.apiKey, { idempotencyKey: 'lost-job', prefer: 'respond-async' })
    expect(accepted.statusCode).toBe(202)
    const rotationId = json(accepted).rotation.id
    await (await ctx.queue.getJob(rotationId))!.remove() // Redis lost it (a restart without persistence, a failover)

    const shortLived = ctx.startWorker()
    await shortLived.close() // crash-looping: it stops at once

    const job = await ctx.queue.getJob(rotationId)
    expect(job, 'the job is back in the queue').toBeDefined()
    expect(['waiting', 'active', 'completed']).toContain(await job!.getState())
    expect(ctx.logs.join('')).toMatch(/reconciler re-enqueued work/)

    ctx.startWorker()
    const done = await eventually(async () => {
      const r = json(await ctx.get(key.apiKey, `${ROTATIONS_PATH}/${rotationId}`)).rotation
      return r.status === 'succeeded' ? r : undefined
    })
    expect(done.secret).toMatch(/^whsec_/)
  })
})
