import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify'
import type { Redis } from 'ioredis'
import { AppError } from '../errors/app-error.js'
import { withTimeout } from '../util/with-timeout.js'

export interface RateLimitOptions {
  redis: Redis
  /** Requests per API key per window. */
  limit: number
  windowSeconds: number
  prefix: string
}

// INCR the window's counter and give it a TTL on first use, in one round trip.
const COUNT_SCRIPT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n`

/**
 * A fixed-window limit per API key (after authentication), with the upstream headers
 * X-RateLimit-Limit / -Remaining / -Reset (seconds until the window resets, as the upstream SDK and
 * the IETF RateLimit header fields read it). It fails open: a Redis outage must not
 * take the API down, and the API keeps answering (rotations queue in Postgres) while Redis is out.
 */
export function rateLimitHook ({ redis, limit, windowSeconds, prefix }: RateLimitOptions): onRequestAsyncHookHandler {
  return async function rateLimit (request: FastifyRequest, reply: FastifyReply) {
    const nowSeconds = Math.floor(Date.now() / 1000)
    const windowStart = nowSeconds - (nowSeconds % windowSeconds)
    const reset = windowStart + windowSeconds
    let count: number
    try {
      count = Number(await withTimeout(redis.eval(COUNT_SCRIPT, 1, `${prefix}:ratelimit:${request.apiKey.id}:${windowStart}`, windowSeconds + 1), 500))
    } catch (err) {
      request.log.warn({ err }, 'rate limit unavailable; request allowed')
      return
    }
    reply.header('x-ratelimit-limit', String(limit))
    reply.header('x-ratelimit-remaining', String(Math.max(0, limit - count)))
    reply.header('x-ratelimit-reset', String(reset - nowSeconds))
    if (count > limit) {
      throw new AppError('RATE_LIMIT_EXCEEDED', `This API key made more than ${limit} requests in ${windowSeconds} s. Retry after the window resets.`, {
        headers: { 'retry-after': String(Math.max(1, reset - nowSeconds)) },
      })
    }
  }
}
