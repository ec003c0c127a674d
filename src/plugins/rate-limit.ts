import fastifyRateLimit from '@fastify/rate-limit'
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import type { RedisClient } from '../queue/redis.js'
import { AppError } from '../errors/app-error.js'

export interface RateLimitOptions {
  redis: RedisClient
  /** Requests per API key per window. */
  limit: number
  windowSeconds: number
  prefix: string
  /** Called once per refused request (the metrics count it). */
  onExceeded?: () => void
}

/**
 * @fastify/rate-limit with its Redis store: a fixed window per API key that starts at the key's
 * first request in it, with X-RateLimit-Limit / -Remaining / -Reset (seconds until the window
 * resets). Not global: customer routes apply it after authentication (rateLimitHook), so the
 * counter is keyed by the authenticated key. It fails open (skipOnError): a Redis outage must not
 * take the API down, and the API keeps answering (rotations queue in Postgres) while Redis is out.
 */
export const rateLimitPlugin = fp<RateLimitOptions>(async (app, { redis, limit, windowSeconds, prefix, onExceeded }) => {
  await app.register(fastifyRateLimit, {
    global: false,
    max: limit,
    timeWindow: windowSeconds * 1000,
    redis,
    nameSpace: `${prefix}:ratelimit:`,
    skipOnError: true,
    keyGenerator: (request) => request.apiKey.id,
    onExceeded: () => onExceeded?.(),
    errorResponseBuilder: (_request, context) => new AppError('RATE_LIMIT_EXCEEDED',
      `This API key made more than ${context.max} requests in ${windowSeconds} s. Retry after the window resets.`,
      { headers: { 'retry-after': String(Math.max(1, Math.ceil(context.ttl / 1000))) } }),
  })
}, { name: 'rate-limit' })

/** The per-key limit as an onRequest hook, to run after the API key hook (rateLimitPlugin must be registered). */
export function rateLimitHook (): onRequestAsyncHookHandler {
  let limiter: ReturnType<FastifyInstance['rateLimit']> | undefined
  return async function rateLimit (this: FastifyInstance, request: FastifyRequest, reply: FastifyReply) {
    limiter ??= this.rateLimit()
    await limiter.call(this, request, reply)
  }
}
