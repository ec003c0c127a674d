import { Queue, type ConnectionOptions, type Telemetry } from 'bullmq'
import type { Logger } from 'pino'
import type { Config } from '../config/config.js'
import { z } from 'zod'

export const DELIVERY_QUEUE = 'webhook-deliveries'
export const DELIVERY_BACKOFF = 'jittered-exponential'

/** Job data carries the event id only; the body and secrets are read at send time. */
export const deliveryJobData = z.object({ eventId: z.uuid() })
export type DeliveryJobData = z.infer<typeof deliveryJobData>
export interface DeliveryJobResult { eventId: string; status: string }

export interface DeliverySchedule { maxAttempts: number; baseMs: number; capMs: number }

export function deliverySchedule (config: Pick<Config, 'DELIVERY_MAX_ATTEMPTS' | 'DELIVERY_BACKOFF_BASE_MS' | 'DELIVERY_BACKOFF_CAP_MS'>): DeliverySchedule {
  return { maxAttempts: config.DELIVERY_MAX_ATTEMPTS, baseMs: config.DELIVERY_BACKOFF_BASE_MS, capMs: config.DELIVERY_BACKOFF_CAP_MS }
}

/**
 * Delay before retry n (1-based): base·2^(n-1), capped, with "equal jitter" (between half and all
 * of it) so receivers that fail together are not retried together.
 */
export function deliveryBackoff ({ baseMs, capMs }: DeliverySchedule, attemptsMade: number, random = Math.random) {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attemptsMade - 1))
  return Math.round(ceiling / 2 + random() * (ceiling / 2))
}

export function createDeliveryQueue (connection: ConnectionOptions, prefix: string, log: Logger, schedule: DeliverySchedule, telemetry?: Telemetry) {
  const queue = new Queue<DeliveryJobData, DeliveryJobResult>(DELIVERY_QUEUE, {
    connection,
    prefix,
    telemetry,
    defaultJobOptions: {
      attempts: schedule.maxAttempts,
      backoff: { type: DELIVERY_BACKOFF },
      removeOnComplete: { age: 86_400, count: 10_000 },
      removeOnFail: { age: 7 * 86_400 },
    },
  })
  queue.on('error', (err) => log.warn({ err, queue: DELIVERY_QUEUE }, 'queue error'))
  return queue
}

export type DeliveryQueue = ReturnType<typeof createDeliveryQueue>

/** Job id = the event's current job id, so adding a delivery twice is harmless. */
export async function enqueueDelivery (queue: DeliveryQueue, event: { id: string; jobId: string }) {
  await queue.add('deliver', { eventId: event.id }, { jobId: event.jobId })
}
