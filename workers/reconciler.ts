import type { Queue } from 'bullmq'
import type pg from 'pg'
import type { Logger } from 'pino'
import { findStaleUnfinished, touchRotation } from '../src/db/rotations-repository.js'
import { findStaleUndelivered, touchWebhookEvent } from '../src/db/webhook-events-repository.js'
import { enqueueDelivery, type DeliveryQueue } from '../src/queue/delivery-queue.js'
import { enqueueRotation, type RotationQueue } from '../src/queue/rotation-queue.js'

export interface ReconcilerDeps {
  pool: pg.Pool
  rotationQueue: RotationQueue
  deliveryQueue: DeliveryQueue
  log: Logger
  /** Work unfinished for this long is checked against its queue. */
  staleAfterMs: number
  /** Called for each job added back (the metrics count them). */
  onReenqueue?: (queue: string, jobState: string) => void
}

/**
 * Postgres is the truth, Redis only the delivery: work left unfinished (Redis was down when it was
 * added, a job was lost or ran out of attempts) gets its job back. Job ids come from the rows, so
 * adding one again while it exists is harmless.
 */
export function createReconciler ({ pool, rotationQueue, deliveryQueue, log, staleAfterMs, onReenqueue }: ReconcilerDeps) {
  async function ensureJob (queue: Queue, jobId: string, add: () => Promise<void>, touch: () => Promise<void>) {
    const job = await queue.getJob(jobId)
    const state = job ? await job.getState() : 'missing'
    if (state === 'missing' || state === 'unknown') {
      await add()
    } else if (state === 'failed') {
      await job!.retry('failed')
    } else if (state === 'completed') {
      await job!.remove()
      await add()
    } else {
      return // waiting, active or delayed: BullMQ still has it
    }
    log.info({ queue: queue.name, jobId, jobState: state }, 'reconciler re-enqueued work')
    onReenqueue?.(queue.name, state)
    await touch()
  }

  return async function reconcile () {
    const rotations = await findStaleUnfinished(pool, staleAfterMs, 100)
    for (const { id } of rotations) {
      await ensureJob(rotationQueue, id, () => enqueueRotation(rotationQueue, id), () => touchRotation(pool, id))
    }
    const events = await findStaleUndelivered(pool, staleAfterMs, 100)
    for (const event of events) {
      await ensureJob(deliveryQueue, event.jobId, () => enqueueDelivery(deliveryQueue, event), () => touchWebhookEvent(pool, event.id))
    }
    return rotations.length + events.length
  }
}
