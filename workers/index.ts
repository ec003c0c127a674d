import { Worker } from 'bullmq'
import type { RedisClient } from '../src/queue/redis.js'
import type pg from 'pg'
import type { Logger } from 'pino'
import type { Config } from '../src/config/config.js'
import { createSecretBox } from '../src/crypto/secret-box.js'
import { sendWebhook } from '../src/delivery/http-sender.js'
import { createHeldSecrets } from '../src/domain/held-secrets.js'
import { createRotationRule, type RotationOutcome } from '../src/domain/rotation-rule.js'
import { createSecretHygiene } from '../src/domain/secret-hygiene.js'
import {
  DELIVERY_BACKOFF, DELIVERY_QUEUE, deliveryBackoff, deliverySchedule, enqueueDelivery, type DeliveryJobData, type DeliveryJobResult, type DeliveryQueue,
} from '../src/queue/delivery-queue.js'
import {
  ensureRotationScheduler, enqueueRotation, ROTATION_QUEUE, type RotationJobData, type RotationJobResult, type RotationQueue,
} from '../src/queue/rotation-queue.js'
import { createRotationRequests } from '../src/domain/rotation-requests.js'
import { createScheduledRotations } from '../src/domain/rotation-schedules.js'
import { withTimeout } from '../src/util/with-timeout.js'
import { queueTelemetry } from '../src/tracing/queue-telemetry.js'
import { instrumentRotationRule, instrumentSend } from '../src/metrics/instrument.js'
import { createMetrics, type Metrics } from '../src/metrics/metrics.js'
import { createDeliverProcessor, DeliveryAttemptFailed } from './deliver-processor.js'
import { startIntervalTask } from './interval-task.js'
import { createReconciler } from './reconciler.js'
import { createRotateProcessor } from './rotate-processor.js'

export interface WorkerDeps {
  config: Config
  pool: pg.Pool
  /** A connection with maxRetriesPerRequest: null; BullMQ duplicates it for blocking reads. */
  connection: RedisClient
  /** Fail-fast queue handles, for enqueueing follow-up work and for the reconciler. */
  queues: { rotations: RotationQueue; deliveries: DeliveryQueue }
  log: Logger
  afterCommit?: (outcome: RotationOutcome) => Promise<void>
  send?: typeof sendWebhook
  /** The process' metrics registry (shared with the API in one process); a fresh one when omitted. */
  metrics?: Metrics
}

const ENQUEUE_TIMEOUT_MS = 2000

/** The worker process' moving parts: the rotation and delivery workers, the reconciler, the secret sweeper (held, previous and revoked keys' secrets). */
export function startWorkers ({ config, pool, connection, queues, log, afterCommit, send = sendWebhook, metrics = createMetrics() }: WorkerDeps) {
  const secretBox = createSecretBox(config.SECRET_ENCRYPTION_KEYS)
  const workerLog = log.child({ component: 'worker' })
  const common = {
    connection,
    prefix: config.QUEUE_PREFIX,
    lockDuration: config.WORKER_LOCK_DURATION_MS,
    lockRenewTime: config.WORKER_LOCK_RENEW_MS ?? Math.round(config.WORKER_LOCK_DURATION_MS / 5),
    stalledInterval: config.WORKER_STALLED_INTERVAL_MS,
    maxStalledCount: 3,
    telemetry: queueTelemetry(config),
  }

  const rotations = new Worker<RotationJobData, RotationJobResult>(ROTATION_QUEUE, createRotateProcessor({
    pool,
    rule: instrumentRotationRule(createRotationRule({ pool, config, secretBox }), { metrics }),
    log: workerLog,
    enqueueDelivery: (event) => withTimeout(enqueueDelivery(queues.deliveries, event), ENQUEUE_TIMEOUT_MS),
    afterCommit,
    runScheduled: createScheduledRotations({
      pool,
      // Scheduled rotations are accepted like any request: a failed enqueue is left to the reconciler.
      rotationRequests: createRotationRequests({ pool, config, log: workerLog, enqueue: (id) => withTimeout(enqueueRotation(queues.rotations, id), ENQUEUE_TIMEOUT_MS) }),
      log: workerLog,
    }),
  }), { ...common, concurrency: config.WORKER_CONCURRENCY })

  const schedule = deliverySchedule(config)
  const deliveries = new Worker<DeliveryJobData, DeliveryJobResult>(DELIVERY_QUEUE, createDeliverProcessor({
    pool, secretBox, config, log: workerLog, send: instrumentSend(send, metrics),
  }), {
    ...common,
    concurrency: config.DELIVERY_CONCURRENCY,
    settings: { backoffStrategy: (attemptsMade, type) => type === DELIVERY_BACKOFF ? deliveryBackoff(schedule, attemptsMade) : 1000 },
  })

  for (const worker of [rotations, deliveries]) {
    worker.on('error', (err) => workerLog.warn({ err, queue: worker.name }, 'worker error'))
    worker.on('failed', (job, err) => {
      const fields = { queue: worker.name, jobId: job?.id, attemptsMade: job?.attemptsMade }
      // A receiver that failed is expected (the demo key's URL never resolves); no stack for it.
      if (err instanceof DeliveryAttemptFailed) workerLog.debug({ ...fields, error: err.message }, 'job attempt failed')
      else workerLog.warn({ ...fields, err }, 'job attempt failed')
    })
  }

  const heldSecrets = createHeldSecrets({ pool, config, secretBox })
  // At once on start: under a crash loop a worker may not live one interval, and what a lost Redis
  // job or a dead worker left unfinished should not wait for one that does.
  const stopReconciler = startIntervalTask('reconciler', config.RECONCILE_INTERVAL_MS, createReconciler({
    pool,
    rotationQueue: queues.rotations,
    deliveryQueue: queues.deliveries,
    log: workerLog,
    staleAfterMs: config.RECONCILE_AFTER_MS,
    onReenqueue: (queue, jobState) => metrics.reconcilerReenqueues.inc({ queue, job_state: jobState }),
  }), workerLog, { immediately: true })
  // Postgres holds the rotation schedules; Redis only the one job scheduler that wakes the worker
  // for them, checked on the reconciler's beat so a flushed or replaced Redis gets it back.
  const stopScheduler = startIntervalTask('rotation-scheduler', config.RECONCILE_INTERVAL_MS, async () => {
    if (await withTimeout(ensureRotationScheduler(queues.rotations, config.SCHEDULED_ROTATIONS_INTERVAL_MS), ENQUEUE_TIMEOUT_MS)) {
      workerLog.info({ everyMs: config.SCHEDULED_ROTATIONS_INTERVAL_MS }, 'rotation job scheduler upserted')
    }
  }, workerLog, { immediately: true })
  const hygiene = createSecretHygiene({ pool })
  const stopSweeper = startIntervalTask('secret-sweeper', config.SWEEP_INTERVAL_MS, async () => {
    await heldSecrets.sweep()
    await hygiene.sweep()
  }, workerLog)

  let closing: Promise<void> | undefined
  /** Stops taking jobs, lets in-flight ones finish, stops the periodic tasks. Idempotent. */
  function close () {
    closing ??= (async () => {
      await Promise.all([rotations.close(), deliveries.close(), stopReconciler(), stopScheduler(), stopSweeper()])
    })()
    return closing
  }

  return { rotations, deliveries, close }
}

export type Workers = ReturnType<typeof startWorkers>
