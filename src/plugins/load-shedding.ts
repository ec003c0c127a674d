import v8 from 'node:v8'
import underPressure from '@fastify/under-pressure'
import type { FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type pg from 'pg'
import type { Config } from '../config/config.js'
import { connectionWaits } from '../db/pool.js'
import { AppError } from '../errors/app-error.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Per-route override of the load-shedding answer; `passUnderPressure` lets a route answer anyway. */
    pressureHandler?: (request: FastifyRequest, reply: FastifyReply, type: string, value: number | undefined) => Promise<void> | void
  }
}

export type LoadSheddingConfig = Pick<Config,
  'OVERLOAD_MAX_EVENT_LOOP_DELAY_MS' | 'OVERLOAD_MAX_HEAP_USED_BYTES' | 'OVERLOAD_MAX_POOL_WAIT_MS' | 'OVERLOAD_CHECK_INTERVAL_MS' | 'OVERLOAD_RETRY_AFTER_SECONDS'>

/** For /v1/health: liveness must stay cheap and true while the process sheds load. */
export function passUnderPressure () {}

const REASONS: Record<string, string> = {
  eventLoopDelay: 'the event loop is delayed',
  heapUsedBytes: 'the heap is nearly full',
  healthCheck: 'requests have waited too long for a database connection',
}

/**
 * Sheds load instead of falling over: past an event-loop delay, a heap size, or once the oldest
 * request still waiting for a Postgres connection has waited too long, requests are refused at once
 * with 503 SERVICE_OVERLOADED and Retry-After, before they touch anything, so a retry with the same
 * Idempotency-Key is safe. Time, not a count: a burst queues many requests that each wait a few
 * milliseconds and should be answered; a stalled Postgres makes one wait for seconds.
 */
export const loadSheddingPlugin = fp<{ pool: pg.Pool; config: LoadSheddingConfig }>(async (app, { pool, config }) => {
  const waits = connectionWaits(pool)
  const maxWaitMs = config.OVERLOAD_MAX_POOL_WAIT_MS
  let lastLogged = 0
  await app.register(underPressure, {
    maxEventLoopDelay: config.OVERLOAD_MAX_EVENT_LOOP_DELAY_MS,
    // Unset: 90 % of V8's heap limit, which is what the process can really use.
    maxHeapUsedBytes: config.OVERLOAD_MAX_HEAP_USED_BYTES ?? Math.floor(v8.getHeapStatistics().heap_size_limit * 0.9),
    sampleInterval: config.OVERLOAD_CHECK_INTERVAL_MS,
    // 0 turns the check off, as for the two above.
    healthCheck: maxWaitMs > 0 ? async () => waits.oldestMs() <= maxWaitMs : undefined,
    healthCheckInterval: config.OVERLOAD_CHECK_INTERVAL_MS,
    pressureHandler: async (request, _reply, type, value) => {
      // Overload means many requests; one log line every 10 s says enough.
      if (Date.now() - lastLogged > 10_000) {
        lastLogged = Date.now()
        request.log.warn({ pressure: type, value, poolWaiting: pool.waitingCount, oldestPoolWaitMs: Math.round(waits.oldestMs()) }, 'shedding load')
      }
      throw new AppError('SERVICE_OVERLOADED', `The service is overloaded (${REASONS[type] ?? type}) and refused this request before acting on it. Retry after Retry-After seconds.`, {
        headers: { 'retry-after': String(config.OVERLOAD_RETRY_AFTER_SECONDS) },
      })
    },
  })
}, { name: 'load-shedding' })
