import { Worker } from 'bullmq'
import type { Redis } from 'ioredis'
import type pg from 'pg'
import type { Logger } from 'pino'
import type { Config } from '../src/config/config.js'
import { createSecretBox } from '../src/crypto/secret-box.js'
import { createHeldSecrets } from '../src/domain/held-secrets.js'
import { createRotationRule, type RotationOutcome } from '../src/domain/rotation-rule.js'
import { ROTATION_QUEUE, type RotationJobData, type RotationJobResult, type RotationQueue } from '../src/queue/rotation-queue.js'
import { startIntervalTask } from './interval-task.js'
import { createReconciler } from './reconciler.js'
import { createRotateProcessor } from './rotate-processor.js'

export interface WorkerDeps {
  config: Config
  pool: pg.Pool
  /** A connection with maxRetriesPerRequest: null; BullMQ duplicates it for blocking reads. */
  connection: Redis
  /** A fail-fast queue handle for the reconciler. */
  queue: RotationQueue
  log: Logger
  afterCommit?: (outcome: RotationOutcome) => Promise<void>
}

/** The worker process' moving parts: the BullMQ worker, the reconciler and the secret sweeper. */
export function startWorkers ({ config, pool, connection, queue, log, afterCommit }: WorkerDeps) {
  const secretBox = createSecretBox(config.SECRET_ENCRYPTION_KEYS)
  const rule = createRotationRule({ pool, config, secretBox })
  const workerLog = log.child({ component: 'worker' })

  const worker = new Worker<RotationJobData, RotationJobResult>(
    ROTATION_QUEUE,
    createRotateProcessor({ pool, rule, log: workerLog, afterCommit }),
    {
      connection,
      prefix: config.QUEUE_PREFIX,
      concurrency: config.WORKER_CONCURRENCY,
      lockDuration: config.WORKER_LOCK_DURATION_MS,
      stalledInterval: config.WORKER_STALLED_INTERVAL_MS,
      maxStalledCount: 3,
    },
  )
  worker.on('error', (err) => workerLog.warn({ err }, 'worker error'))
  worker.on('failed', (job, err) => workerLog.warn({ err, jobId: job?.id, attemptsMade: job?.attemptsMade }, 'rotation job failed'))

  const heldSecrets = createHeldSecrets({ pool, config, secretBox })
  const stopReconciler = startIntervalTask('reconciler', config.RECONCILE_INTERVAL_MS,
    createReconciler({ pool, queue, log: workerLog, staleAfterMs: config.RECONCILE_AFTER_MS }), workerLog)
  const stopSweeper = startIntervalTask('secret-sweeper', config.SWEEP_INTERVAL_MS, () => heldSecrets.sweep(), workerLog)

  let closing: Promise<void> | undefined
  /** Stops taking jobs, lets in-flight ones finish, stops the periodic tasks. Idempotent. */
  function close () {
    closing ??= (async () => {
      await Promise.all([worker.close(), stopReconciler(), stopSweeper()])
    })()
    return closing
  }

  return { worker, close }
}

export type Workers = ReturnType<typeof startWorkers>
