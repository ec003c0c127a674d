import { Redis } from 'ioredis'
import type { Logger } from 'pino'

/**
 * The API and the worker use different connections (BullMQ's guidance): the API's fails fast so a
 * request never hangs on a Redis outage; the worker's retries forever, as blocking commands need.
 */
export function createRedis (url: string, role: 'api' | 'worker', log: Logger) {
  const redis = new Redis(url, role === 'api'
    ? { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000, lazyConnect: false }
    : { maxRetriesPerRequest: null, enableReadyCheck: false })
  let lastLogged = 0
  redis.on('error', (err) => {
    // A down Redis emits on every reconnect attempt; one line every 10 s is enough.
    if (Date.now() - lastLogged > 10_000) {
      lastLogged = Date.now()
      log.warn({ err, role }, 'redis connection error')
    }
  })
  return redis
}
