import { Queue, type ConnectionOptions, type Telemetry } from 'bullmq'
import type { Logger } from 'pino'
import { z } from 'zod'

export const ROTATION_QUEUE = 'webhook-secret-rotations'

/** Job data carries ids only, never a secret. */
export const rotationJobData = z.object({ rotationId: z.uuid() })
export type RotationJobData = z.infer<typeof rotationJobData>
export interface RotationJobResult { rotationId: string; status: string }

/**
 * BullMQ's start-up waits until Redis is ready (its connection retries forever), so a queue made
 * during an outage starts working when Redis returns; callers bound each add with a timeout.
 */
export function createRotationQueue (connection: ConnectionOptions, prefix: string, log: Logger, telemetry?: Telemetry) {
  const queue = new Queue<RotationJobData, RotationJobResult>(ROTATION_QUEUE, {
    connection,
    prefix,
    telemetry,
    defaultJobOptions: {
      attempts: 10,
      backoff: { type: 'exponential', delay: 250 },
      removeOnComplete: { age: 3600, count: 10_000 },
      removeOnFail: { age: 7 * 86_400 },
    },
  })
  // Without a listener BullMQ prints errors to the console; they belong in the structured log.
  queue.on('error', (err) => log.warn({ err, queue: ROTATION_QUEUE }, 'queue error'))
  return queue
}

export type RotationQueue = ReturnType<typeof createRotationQueue>

/** The job id is the rotation id, so adding the same rotation twice is harmless. */
export async function enqueueRotation (queue: RotationQueue, rotationId: string) {
  await queue.add('rotate', { rotationId }, { jobId: rotationId })
}
