import type pg from 'pg'
import type { Logger } from 'pino'
import { countHeldSecrets, type HeldSecretCount } from '../db/metrics-repository.js'
import type { Queues } from '../queue/queues.js'
import { withTimeout } from '../util/with-timeout.js'
import type { Metrics } from './metrics.js'

const JOB_STATES = ['waiting', 'prioritized', 'active', 'delayed', 'waiting-children', 'failed', 'completed'] as const
// A scrape must answer even when a dependency does not: its gauges go missing and *_source_up says why.
const SCRAPE_TIMEOUT_MS = 2000

/** One read per scrape, shared by the gauges that show it (prom-client collects them concurrently). */
function perScrape<T> (read: () => Promise<T>) {
  let inflight: Promise<T> | undefined
  return () => (inflight ??= read().finally(() => { inflight = undefined }))
}

/**
 * Gauges read at scrape time: BullMQ job counts per queue and state (Redis), and held secrets
 * (Postgres). Registered once per registry by the process that owns it.
 */
export function registerScrapeGauges (metrics: Metrics, { pool, queues, log }: { pool: pg.Pool; queues: Queues | PromiseLike<Queues>; log: Logger }) {
  const readQueues = perScrape(async () => {
    try {
      const counts: { queue: string; counts: Record<string, number> }[] = []
      const { rotations, deliveries } = await queues
      for (const queue of [rotations, deliveries]) {
        counts.push({ queue: queue.name, counts: await withTimeout(queue.getJobCounts(...JOB_STATES), SCRAPE_TIMEOUT_MS) })
      }
      return counts
    } catch (err) {
      log.warn({ err }, 'metrics: queue depth unavailable')
      return null
    }
  })
  const readHeld = perScrape(async (): Promise<HeldSecretCount[] | null> => {
    try {
      return await withTimeout(countHeldSecrets(pool), SCRAPE_TIMEOUT_MS)
    } catch (err) {
      log.warn({ err }, 'metrics: held secrets unavailable')
      return null
    }
  })

  metrics.gauge({
    name: 'queue_jobs',
    help: 'BullMQ jobs per queue and state, read at scrape time',
    labelNames: ['queue', 'state'] as const,
    async collect () {
      const queueCounts = await readQueues()
      this.reset()
      for (const { queue, counts } of queueCounts ?? []) {
        for (const state of JOB_STATES) this.set({ queue, state }, counts[state] ?? 0)
      }
    },
  })
  metrics.gauge({
    name: 'held_secrets',
    help: 'Secrets currently held for their requester, by rotation kind and whether a response already carried them',
    labelNames: ['kind', 'fetched'] as const,
    async collect () {
      const rows = await readHeld()
      this.reset()
      for (const row of rows ?? []) this.set({ kind: row.kind, fetched: String(row.fetched) }, row.held)
    },
  })
  metrics.gauge({
    name: 'held_secrets_expiring_unfetched',
    help: 'Held secrets no response ever carried that will be erased within the hour, by rotation kind',
    labelNames: ['kind'] as const,
    async collect () {
      const rows = await readHeld()
      this.reset()
      for (const row of rows ?? []) if (!row.fetched) this.set({ kind: row.kind }, row.expiringSoon)
    },
  })
  metrics.gauge({
    name: 'metrics_source_up',
    help: 'Whether this scrape could read the source (redis: queue depth, postgres: held secrets)',
    labelNames: ['source'] as const,
    async collect () {
      const [queueCounts, held] = await Promise.all([readQueues(), readHeld()])
      this.set({ source: 'redis' }, queueCounts ? 1 : 0)
      this.set({ source: 'postgres' }, held ? 1 : 0)
    },
  })
}
