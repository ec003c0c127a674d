import { once } from 'node:events'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { RedisClient } from '../../queue/redis.js'
import type pg from 'pg'
import { z } from 'zod'
import { dependencyUnavailable } from '../../errors/app-error.js'
import { passUnderPressure } from '../../plugins/load-shedding.js'
import { errorResponses } from '../../schemas/common.js'
import { withTimeout } from '../../util/with-timeout.js'

export interface HealthRoutesOptions { pool: pg.Pool; redis: RedisClient }

const READY_TIMEOUT_MS = 2000

/** PING, after waiting (within the readiness timeout) for a connection that is still being made. */
async function pingRedis (redis: RedisClient) {
  if (redis.status !== 'ready') await once(redis, 'ready', { signal: AbortSignal.timeout(READY_TIMEOUT_MS) })
  return redis.ping()
}

export const healthRoutes: FastifyPluginAsyncZod<HealthRoutesOptions> = async (app, { pool, redis }) => {
  const status = z.object({ status: z.string() })

  app.get('/v1/health', { config: { pressureHandler: passUnderPressure }, schema: { security: [], tags: ['health'], summary: 'The process is up', response: { 200: status } } }, async () => ({ status: 'ok' }))

  app.get('/v1/ready', {
    schema: { security: [], tags: ['health'], summary: 'Postgres and Redis answer, and the API is not shedding load', response: { 200: status, ...errorResponses } },
  }, async (request) => {
    try {
      await withTimeout(Promise.all([pool.query('select 1'), pingRedis(redis)]), READY_TIMEOUT_MS)
    } catch (err) {
      request.log.warn({ err }, 'readiness check failed')
      throw dependencyUnavailable(err)
    }
    return { status: 'ready' }
  })
}
