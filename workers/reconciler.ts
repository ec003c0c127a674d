import type pg from 'pg'
import type { Logger } from 'pino'
import { findStaleUnfinished, touchRotation } from '../src/db/rotations-repository.js'
import { enqueueRotation, type RotationQueue } from '../src/queue/rotation-queue.js'

export interface ReconcilerDeps {
  pool: pg.Pool
  queue: RotationQueue
  log: Logger
  /** A rotation unfinished for this long is checked against the queue. */
  staleAfterMs: number
}

/**
 * Postgres is the truth, Redis only the delivery: a rotation left queued or processing (Redis was
 * down at enqueue, a job was lost or ran out of attempts) gets its job back. The job id is the
 * rotation id, so adding it again while it exists is harmless.
 */
export function createReconciler ({ pool, queue, log, staleAfterMs }: ReconcilerDeps) {
  return async function reconcile () {
    const stale = await findStaleUnfinished(pool, staleAfterMs, 100)
    for (const { id } of stale) {
      const job = await queue.getJob(id)
      const state = job ? await job.getState() : 'missing'
      if (state === 'missing' || state === 'unknown') {
        await enqueueRotation(queue, id)
      } else if (state === 'failed') {
        await job!.retry('failed')
      } else if (state === 'completed') {
        await job!.remove()
        await enqueueRotation(queue, id)
      } else {
        continue // waiting, active or delayed: BullMQ still has it
      }
      log.info({ rotationId: id, jobState: state }, 'reconciler re-enqueued rotation')
      await touchRotation(pool, id)
    }
    return stale.length
  }
}
