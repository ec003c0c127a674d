import fp from 'fastify-plugin'
import type pg from 'pg'
import { connectionWaits } from '../db/pool.js'
import type { Metrics } from '../metrics/metrics.js'
import { requireOperator } from './operator-auth.js'

export const METRICS_PATH = '/metrics'

/**
 * Times every response by route template (never the raw URL: ids would explode the series) and
 * every wait for one of the pool's connections, and serves the registry at /metrics to operators.
 * One onResponse hook, no I/O on the request path.
 */
export const metricsPlugin = fp<{ metrics: Metrics; pool: pg.Pool; pepper: string }>(async (app, { metrics, pool, pepper }) => {
  const stopObserving = connectionWaits(pool).observe((seconds) => metrics.dbConnectionWait.observe(seconds))
  app.addHook('onClose', async () => stopObserving())
  app.addHook('onResponse', async (request, reply) => {
    metrics.httpRequestDuration.observe(
      { route: request.routeOptions.url ?? 'unmatched', method: request.method, status_code: reply.statusCode },
      reply.elapsedTime / 1000)
  })
  app.get(METRICS_PATH, { schema: { hide: true }, onRequest: requireOperator(pool, pepper) }, async (_request, reply) => {
    const body = await metrics.registry.metrics()
    return reply.header('content-type', metrics.registry.contentType).header('cache-control', 'no-store').send(body)
  })
}, { name: 'metrics' })
