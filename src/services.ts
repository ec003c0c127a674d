import type { Logger } from 'pino'
import type { App } from './app.js'
import type { Config } from './config/config.js'
import { checkPooledTimeouts, createPool, databasePoolOptions } from './db/pool.js'
import { createRedis } from './queue/redis.js'
import type { Queues } from './queue/queues.js'
import type { Workers } from '../workers/index.js'
import { createMetrics } from './metrics/metrics.js'
import { startMetricsServer, type HealthReport } from './metrics/metrics-server.js'
import { registerScrapeGauges } from './metrics/scrape-gauges.js'

export type Role = 'all' | 'api' | 'worker'

/**
 * The code a role runs, imported on demand: a worker never loads Fastify, Swagger, the console or
 * bull-board, an API never loads the processors. Start-up time is mostly module loading
 * (docs/performance.md), and a killed worker's replacement waits on it. Imports are cached, so
 * main can start this early and startServices awaits the same modules.
 */
export async function loadRoleModules (role: Role) {
  const [app, workers] = await Promise.all([
    role !== 'worker' ? import('./app.js') : undefined,
    role !== 'api' ? import('../workers/index.js') : undefined,
  ])
  return { buildApp: app?.buildApp, startWorkers: workers?.startWorkers }
}

/**
 * Creates the pool, Redis connections and queues, starts the API and/or the workers, and returns
 * the one close path: stop intake, let in-flight work finish, then close queues, Redis and the pool
 * (reverse start order). Closing twice is harmless; a failed start closes what it had started.
 */
export async function startServices (config: Config, log: Logger, role: Role) {
  const { buildApp, startWorkers } = await loadRoleModules(role)
  const poolOptions = { ...databasePoolOptions(config), max: config.DATABASE_POOL_SIZE }
  const pool = createPool(config.DATABASE_URL, log, poolOptions)
  // With --role all the workers get a pool of their own: their transactions cannot take the API's
  // connections, and the API's load shedding times only requests waiting for a connection.
  const workerPool = role === 'all' ? createPool(config.DATABASE_URL, log, poolOptions) : pool
  // Each pool opens its first connection while the role's code is built: the first request (the
  // load balancer's readiness check) or job does not wait for a connection (docs/performance.md).
  for (const opening of new Set([pool, workerPool])) {
    opening.connect().then((client) => client.release(), (err: unknown) => log.debug({ err }, 'could not open a first pooled connection early'))
  }
  const redisClients: ReturnType<typeof createRedis>[] = []
  let app: App | undefined
  let workers: Workers | undefined
  let address: string | undefined
  let metricsServer: Awaited<ReturnType<typeof startMetricsServer>> | undefined
  // One registry per process: with --role all the API and the workers share it (one endpoint).
  const metrics = createMetrics()

  let closing: Promise<void> | undefined
  function close () {
    closing ??= (async () => {
      await app?.close()
      await workers?.close()
      await metricsServer?.close()
      // Never made, the set holds nothing: an API that was never asked for it.
      if (queueSet) {
        const { closeQueues } = await import('./queue/queues.js')
        await queueSet.then(closeQueues, () => {})
      }
      await Promise.allSettled(redisClients.map((r) => r.quit().catch(() => r.disconnect())))
      await pool.end()
      if (workerPool !== pool) await workerPool.end()
    })()
    return closing
  }

  /** Liveness: the API is listening and the workers are taking jobs, until shutdown starts. */
  function health (): HealthReport {
    const up = closing === undefined &&
      (role === 'worker' || app?.server.listening === true) &&
      (role === 'api' || (workers !== undefined && workers.rotations.isRunning() && workers.deliveries.isRunning()))
    return { role, status: up ? 'ok' : 'unavailable' }
  }

  function redis (role: 'api' | 'worker') {
    const client = createRedis(config, role, log)
    redisClients.push(client)
    return client
  }
  // One set of queue handles per process (bullmq loads with it), shared by the API's enqueues, the
  // workers' follow-up jobs and the scrape gauges. Made at once where workers run; an API makes it
  // right after it listens (below), so the load balancer's first readiness check is not behind
  // bullmq's loading, and requests that need it before then wait for it. Not on first use: the
  // first rotations of a new API under load would take the loading's stall (docs/performance.md,
  // start-up time). An answer handed out never waits on it.
  let queueSet: Promise<Queues> | undefined
  function makeQueues () {
    if (!queueSet) {
      const connection = redis('api')
      queueSet = import('./queue/queues.js').then(({ createQueues }) => createQueues(connection, config, log))
      // Failures surface where the set is used (an enqueue, a scrape, close), never as an unhandled rejection.
      queueSet.catch(() => {})
    }
    return queueSet
  }
  if (role !== 'api') makeQueues()
  const queues: PromiseLike<Queues> = { then: (onMade, onFailed) => makeQueues().then(onMade, onFailed) }

  // Not awaited: a warning in the log, never a slower start.
  checkPooledTimeouts(pool, config, log).catch((err: unknown) => log.warn({ err }, 'could not read the pooled connections\' timeouts'))
  try {
    registerScrapeGauges(metrics, { pool, queues, log })
    if (buildApp) {
      app = await buildApp({ config, pool, redis: redis('api'), queues, log, metrics })
      address = await app.listen({ port: config.PORT, host: config.HOST })
      makeQueues()
    }
    if (startWorkers) {
      workers = startWorkers({ config, pool: workerPool, connection: redis('worker'), queues: await queues, log, metrics })
    }
    if (config.METRICS_PORT !== undefined) {
      metricsServer = await startMetricsServer(metrics, { port: config.METRICS_PORT, host: config.METRICS_HOST, log, health })
    }
  } catch (err) {
    await close()
    throw err
  }
  return { pool, app, workers, address, metricsUrl: metricsServer?.url, close }
}
