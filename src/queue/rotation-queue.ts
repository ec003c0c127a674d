import { Queue, type ConnectionOptions, type Telemetry } from 'bullmq'
import type { Logger } from 'pino'
import { z } from 'zod'

export const ROTATION_QUEUE = 'webhook-secret-rotations'

/** Job data carries ids only, never a secret. */
export const rotationJobData = z.object({ rotationId: z.uuid() })
/** The job scheduler's jobs carry nothing: the worker asks Postgres which keys are due. */
export type ScheduledRotationsJobData = Record<string, never>
export type RotationJobData = z.infer<typeof rotationJobData> | ScheduledRotationsJobData
export interface RotationJobResult { rotationId?: string; status?: string; requested?: number }

/** The one job scheduler behind every key's rotation schedule, and the name of the jobs it adds. */
export const SCHEDULED_ROTATIONS = 'scheduled-rotations'

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

/**
 * Makes sure the job scheduler exists with this interval. Upserting an unchanged scheduler would
 * move its next job, so it is only upserted when missing (a new or flushed Redis) or changed.
 */
export async function ensureRotationScheduler (queue: RotationQueue, everyMs: number): Promise<boolean> {
  const existing = await queue.getJobScheduler(SCHEDULED_ROTATIONS)
  if (existing && Number(existing.every) === everyMs) return false
  // With `every` alone BullMQ runs the first job at once; one interval later is soon enough, and
  // keeps a worker that starts from adding a job before it has done anything else.
  await queue.upsertJobScheduler(SCHEDULED_ROTATIONS, { every: everyMs, startDate: Date.now() + everyMs }, {
    name: SCHEDULED_ROTATIONS,
    data: {},
    // A run that fails is simply the next run's work: nothing to retry, little to keep.
    opts: { attempts: 1, removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } },
  })
  return true
}
