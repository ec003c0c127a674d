import type { RedisClient } from '../queue/redis.js'
import type pg from 'pg'
import { ROTATION_SCOPES } from '../auth/api-key-auth.js'
import type { Config } from '../config/config.js'
import { requireApiKey } from './api-key-auth.js'
import { rateLimitHook } from './rate-limit.js'

/** The onRequest hooks of every customer route: API key (scope, allowlist), then the per-key rate limit. */
export function customerOnRequest ({ pool, redis, config }: { pool: pg.Pool; redis: RedisClient; config: Config }) {
  return [
    requireApiKey(pool, config.API_KEY_PEPPER, ROTATION_SCOPES),
    rateLimitHook({ redis, limit: config.RATE_LIMIT_PER_MINUTE, windowSeconds: 60, prefix: config.QUEUE_PREFIX }),
  ]
}
