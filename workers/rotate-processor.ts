import { UnrecoverableError, type Job } from 'bullmq'
import type pg from 'pg'
import type { Logger } from 'pino'
import { markProcessing } from '../src/db/rotations-repository.js'
import { RotationInvariantError, type RotationOutcome } from '../src/domain/rotation-rule.js'
import { rotationJobData, SCHEDULED_ROTATIONS, type RotationJobData, type RotationJobResult } from '../src/queue/rotation-queue.js'

export interface RotateProcessorDeps {
  pool: pg.Pool
  rule: { run: (rotationId: string, attempt?: number) => Promise<RotationOutcome> }
  log: Logger
  /** Adds the delivery job of an event the rotation recorded; a failure is left to the reconciler. */
  enqueueDelivery: (event: { id: string; jobId: string }) => Promise<void>
  /** Runs after the rotation committed and before the job completes (fault-injection tests). */
  afterCommit?: (outcome: RotationOutcome) => Promise<void>
  /** A run of the job scheduler: requests the rotations of the keys whose schedule is due. */
  runScheduled: () => Promise<{ requested: number }>
}

/**
 * The BullMQ processor for rotation jobs. Delivery is at-least-once; the rule makes a repeat a
 * no-op. The return value holds ids and status only.
 */
export function createRotateProcessor ({ pool, rule, log, enqueueDelivery, afterCommit, runScheduled }: RotateProcessorDeps) {
  return async function processRotation (job: Job<RotationJobData, RotationJobResult>): Promise<RotationJobResult> {
    // The scheduler's run only adds rotation jobs; each rotation then runs as its own job below.
    if (job.name === SCHEDULED_ROTATIONS) return runScheduled()
    const parsed = rotationJobData.safeParse(job.data)
    if (!parsed.success) throw new UnrecoverableError(`invalid rotation job data: ${parsed.error.issues[0]?.message}`)
    const { rotationId } = parsed.data
    const jobLog = log.child({ jobId: job.id, queue: job.queueName, rotationId })
    try {
      const attempt = job.attemptsMade + 1
      // A retry shows 'processing' while it runs; a first attempt's transaction records its start itself.
      if (attempt > 1) await markProcessing(pool, rotationId, attempt)
      const outcome = await rule.run(rotationId, attempt)
      jobLog.info({ status: outcome.status, attempt }, 'rotation processed')
      if (outcome.event?.status === 'pending') {
        await enqueueDelivery(outcome.event).catch((err: unknown) => jobLog.warn({ err, eventId: outcome.event?.id }, 'delivery enqueue failed; left to the reconciler'))
      }
      await afterCommit?.(outcome)
      return { rotationId, status: outcome.status }
    } catch (err) {
      if (err instanceof RotationInvariantError) {
        jobLog.error({ err }, 'rotation cannot be processed')
        throw new UnrecoverableError(err.message)
      }
      // Postgres unreachable, serialisation failures and the like: BullMQ retries with backoff.
      jobLog.warn({ err, attempt: job.attemptsMade + 1 }, 'rotation attempt failed; will retry')
      throw new Error('rotation attempt failed', { cause: err })
    }
  }
}
