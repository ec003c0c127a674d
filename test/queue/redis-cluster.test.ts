import { beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { info, startRedisCluster } from '../fixtures/redis-cluster.js'
import { expectCustomerFlows, expectNoLossThroughFailover, FAILOVER_ENV } from '../fixtures/topology-scenarios.js'
import { buildTestContext, createTestDatabase, eventually, json } from '../helper.js'

let databaseUrl: string
beforeAll(async () => { databaseUrl = await createTestDatabase() })

describe('on a Redis Cluster (three masters, three replicas)', () => {
  it('rotates, replays, refuses in the cooldown, rate-limits and delivers, with every connection on the cluster', async () => {
    const cluster = await startRedisCluster()
    onTestFinished(() => cluster.stop())
    const ctx = await buildTestContext({ databaseUrl, env: { ...FAILOVER_ENV, ROTATION_COOLDOWN_SECONDS: '60', REDIS_CLUSTER_NODES: cluster.nodes } })
    expect(ctx.config.REDIS_URL).toBeUndefined()

    // The API's fail-fast connection answers once it has the cluster's slot map.
    await eventually(async () => (await ctx.app.inject({ method: 'GET', url: '/v1/ready' })).statusCode === 200, 30_000, 100)
    await expectCustomerFlows(ctx)
    // The queue's keys live on the cluster, in the one slot of its hash-tagged prefix.
    expect(await ctx.redisDump()).toContain(`${ctx.config.QUEUE_PREFIX}:webhook-secret-rotations`)
    await ctx.close()
  })

  it('loses and doubles no rotation when the master owning the queue slot is killed under load', async () => {
    const cluster = await startRedisCluster()
    onTestFinished(() => cluster.stop())
    const ctx = await buildTestContext({ databaseUrl, env: { ...FAILOVER_ENV, REDIS_CLUSTER_NODES: cluster.nodes } })

    const { master, replica } = await cluster.ownerOf(ctx.config.QUEUE_PREFIX)
    if (!replica) throw new Error('the queue slot\'s master has no replica to take over')
    const result = await expectNoLossThroughFailover(ctx, async () => {
      await master.kill()
      await eventually(async () => (await info(replica.port, 'replication')).role === 'master', 60_000, 100)
    })
    expect((await cluster.ownerOf(ctx.config.QUEUE_PREFIX)).master.port).toBe(replica.port)
    expect(result.accepted).toBeGreaterThanOrEqual(40)
    const ready = await ctx.app.inject({ method: 'GET', url: '/v1/ready' })
    expect(ready.statusCode, JSON.stringify(json(ready))).toBe(200)
    await ctx.close()
  })
})
