import { Cluster, Redis, type RedisOptions } from 'ioredis'
import type { Logger } from 'pino'
import type { Config } from '../config/config.js'

/** Where Redis is: one server (REDIS_URL), a Cluster (REDIS_CLUSTER_NODES) or a master found through Sentinels. */
export type RedisTarget = Pick<Config, 'REDIS_URL' | 'REDIS_CLUSTER_NODES' | 'REDIS_SENTINELS' | 'REDIS_SENTINEL_NAME'>
export type RedisClient = Redis | Cluster
export type RedisRole = 'api' | 'worker'

// The API's connection fails fast so a request never hangs on a Redis outage; the worker's retries
// forever, as BullMQ's blocking commands need (it refuses a worker connection that does not).
const API_OPTIONS = { maxRetriesPerRequest: 1, connectTimeout: 2000 } satisfies RedisOptions
const WORKER_OPTIONS = { maxRetriesPerRequest: null } satisfies RedisOptions

/**
 * The one factory for every Redis connection the service opens (API, queues, worker, rate limit,
 * dashboard, readiness, admin CLI), so all of them follow the configured topology. A string is a
 * plain REDIS_URL.
 */
export function createRedis (target: RedisTarget | string, role: RedisRole, log: Logger): RedisClient {
  const t: Partial<RedisTarget> = typeof target === 'string' ? { REDIS_URL: target } : target
  const client = t.REDIS_CLUSTER_NODES
    ? new Cluster(t.REDIS_CLUSTER_NODES, {
      // BullMQ's keys share one hash slot through the `{…}` queue prefix; the ready check waits for
      // the slot map, and a command caught by a failover is retried once the replica has taken over.
      enableReadyCheck: true,
      enableOfflineQueue: role !== 'api',
      retryDelayOnFailover: 200,
      retryDelayOnClusterDown: 200,
      slotsRefreshTimeout: 2000,
      redisOptions: role === 'api' ? API_OPTIONS : WORKER_OPTIONS,
    })
    : t.REDIS_SENTINELS
      ? endableWhileReconnecting(new Redis({ sentinels: t.REDIS_SENTINELS, name: t.REDIS_SENTINEL_NAME!, ...roleOptions(role) }))
      : endableWhileReconnecting(new Redis(t.REDIS_URL!, roleOptions(role)))
  let lastLogged = 0
  client.on('error', (err) => {
    // A down Redis emits on every reconnect attempt; one line every 10 s is enough.
    if (Date.now() - lastLogged > 10_000) {
      lastLogged = Date.now()
      log.warn({ err, role }, 'redis connection error')
    }
  })
  return client
}

/**
 * ioredis leaves a connection that is told to disconnect while it waits between reconnect attempts
 * in 'reconnecting' for good: the timer is cleared, there is no socket to close, and 'end' never
 * comes (redis/ioredis#2169, unreleased). BullMQ's Worker.close() waits for that 'end' on its
 * blocking connection (taskforcesh/bullmq#4656), so a worker stopped during or just after a Redis
 * outage never finished closing. Here such a disconnect lets the next attempt begin and ends it
 * then, which emits 'end' (at most one retry delay later). BullMQ's blocking connections are
 * duplicates of ours, so duplicates get the same disconnect.
 */
export function endableWhileReconnecting<T extends Redis> (client: T): T {
  const disconnect = client.disconnect.bind(client)
  client.disconnect = (reconnect = false) => {
    if (reconnect || client.status !== 'reconnecting') return disconnect(reconnect)
    client.once('connecting', () => disconnect())
  }
  const duplicate = client.duplicate.bind(client)
  client.duplicate = ((override) => endableWhileReconnecting(duplicate(override))) as T['duplicate']
  return client
}

function roleOptions (role: RedisRole): RedisOptions {
  return role === 'api'
    ? { ...API_OPTIONS, enableOfflineQueue: false, lazyConnect: false }
    : { ...WORKER_OPTIONS, enableReadyCheck: false }
}
