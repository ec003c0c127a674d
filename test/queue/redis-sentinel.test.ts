import { beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { SENTINEL_MASTER_NAME, startRedisSentinel } from '../fixtures/redis-sentinel.js'
import { expectCustomerFlows, expectNoLossThroughFailover, FAILOVER_ENV } from '../fixtures/topology-scenarios.js'
import { buildTestContext, createTestDatabase, eventually, json } from '../helper.js'

let databaseUrl: string
beforeAll(async () => { databaseUrl = await createTestDatabase() })

describe('on Redis behind Sentinels (one master, one replica, three Sentinels)', () => {
  it('rotates, replays, refuses in the cooldown, rate-limits and delivers through the master the Sentinels name', async () => {
    const sentinel = await startRedisSentinel()
    onTestFinished(() => sentinel.stop())
    const ctx = await buildTestContext({
      databaseUrl,
      env: { ...FAILOVER_ENV, ROTATION_COOLDOWN_SECONDS: '60', REDIS_SENTINELS: sentinel.sentinels, REDIS_SENTINEL_NAME: SENTINEL_MASTER_NAME },
    })
    expect(ctx.config.REDIS_URL).toBeUndefined()

    await eventually(async () => (await ctx.app.inject({ method: 'GET', url: '/v1/ready' })).statusCode === 200, 30_000, 100)
    await expectCustomerFlows(ctx)
    await ctx.close()
  })

  it('loses and doubles no rotation when the master is killed under load and the replica is promoted', async () => {
    const sentinel = await startRedisSentinel()
    onTestFinished(() => sentinel.stop())
    const ctx = await buildTestContext({
      databaseUrl,
      env: { ...FAILOVER_ENV, REDIS_SENTINELS: sentinel.sentinels, REDIS_SENTINEL_NAME: SENTINEL_MASTER_NAME },
    })

    const result = await expectNoLossThroughFailover(ctx, async () => {
      await sentinel.master.kill()
      await eventually(async () => await sentinel.currentMasterPort() === sentinel.replica.port, 60_000, 100)
    })
    expect(result.accepted).toBeGreaterThanOrEqual(40)
    const ready = await eventually(async () => {
      const res = await ctx.app.inject({ method: 'GET', url: '/v1/ready' })
      return res.statusCode === 200 ? res : undefined
    }, 30_000, 100)
    expect(json(ready)).toEqual({ status: 'ready' })
    await ctx.close()
  })
})
