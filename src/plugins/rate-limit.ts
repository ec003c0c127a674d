import fastifyRateLimit from '@fastify/rate-limit'
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import type { RedisClient } from '../queue/redis.js'
import { AppError } from '../errors/app-error.js'

export type AuthFailureKind = 'api_key' | 'operator_token' | 'console_sign_in'

export interface RateLimitOptions {
  redis: RedisClient
  /** Requests per API key per window. */
  limit: number
  /** Failed authentications per source address (and per operator on console sign-in) per window. */
  authFailureLimit: number
  windowSeconds: number
  prefix: string
  /** Called once per refused request (the metrics count it). */
  onExceeded?: () => void
  /** Called once per failed authentication, with whether it was throttled (answered 429). */
  onAuthFailure?: (kind: AuthFailureKind, throttled: boolean) => void
}

export interface AuthFailures {
  /** Counts a failed authentication against each subject; throws 429 RATE_LIMIT_EXCEEDED past the limit. */
  record (request: FastifyRequest, kind: AuthFailureKind, subjects: readonly string[]): Promise<void>
}

declare module 'fastify' {
  interface FastifyInstance {
    authFailures: AuthFailures
  }
}

/**
 * @fastify/rate-limit with its Redis store: a fixed window per API key that starts at the key's
 * first request in it, with X-RateLimit-Limit / -Remaining / -Reset (seconds until the window
 * resets). Not global: customer routes apply it after authentication (rateLimitHook), so the
 * counter is keyed by the authenticated key. Failed authentications are counted in the same store
 * (authFailures). It fails open (skipOnError): a Redis outage must not take the API down, and the
 * API keeps answering (rotations queue in Postgres) while Redis is out; nothing is throttled then.
 */
export const rateLimitPlugin = fp<RateLimitOptions>(async (app, { redis, limit, authFailureLimit, windowSeconds, prefix, onExceeded, onAuthFailure }) => {
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

  // The same store and window, counting failures only: createRateLimit counts when called, so it is
  // called after a credential was refused, once per subject (the key generator reads which).
  const subjectOf = new WeakMap<FastifyRequest, string>()
  const countFailure = app.createRateLimit({ max: authFailureLimit, keyGenerator: (request) => `authfail:${subjectOf.get(request)}` })
  app.decorate<AuthFailures>('authFailures', {
    async record (request, kind, subjects) {
      let retryAfter = 0
      for (const subject of subjects) {
        subjectOf.set(request, subject)
        const counted = await countFailure(request)
        if (!counted.isAllowed && counted.isExceeded) retryAfter = Math.max(retryAfter, counted.ttlInSeconds, 1)
      }
      onAuthFailure?.(kind, retryAfter > 0)
      if (retryAfter === 0) return
      request.log.warn({ kind, subjects }, 'failed authentications throttled')
      throw new AppError('RATE_LIMIT_EXCEEDED',
        `Too many failed authentications from here (more than ${authFailureLimit} in ${windowSeconds} s). Retry after the window resets.`,
        { headers: { 'retry-after': String(retryAfter) } })
    },
  })
}, { name: 'rate-limit' })

/**
 * Counts a refused credential (a 401 other than "none sent") against the caller's address, and
 * against `subjects` too; a caller past the limit is answered 429 instead of 401. A valid
 * credential is never refused for its address's failures: clients behind one NAT or proxy must not
 * lock each other out.
 */
export async function throttleAuthFailure (request: FastifyRequest, kind: AuthFailureKind, err: unknown, subjects: readonly string[] = []) {
  if (!(err instanceof AppError) || err.status !== 401 || err.code.endsWith('_MISSING')) return
  await request.server.authFailures.record(request, kind, [`address:${request.ip}`, ...subjects])
}

/** The per-key limit as an onRequest hook, to run after the API key hook (rateLimitPlugin must be registered). */
export function rateLimitHook (): onRequestAsyncHookHandler {
  let limiter: ReturnType<FastifyInstance['rateLimit']> | undefined
  return async function rateLimit (this: FastifyInstance, request: FastifyRequest, reply: FastifyReply) {
    limiter ??= this.rateLimit()
    await limiter.call(this, request, reply)
  }
}
