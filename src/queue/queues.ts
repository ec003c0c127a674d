import type { RedisClient } from './redis.js'
import type { Logger } from 'pino'
import type { Config } from '../config/config.js'
import { createDeliveryQueue, deliverySchedule, type DeliveryQueue } from './delivery-queue.js'
import { createRotationQueue, type RotationQueue } from './rotation-queue.js'
import { queueTelemetry } from '../tracing/queue-telemetry.js'

export interface Queues { rotations: RotationQueue; deliveries: DeliveryQueue }

/** The queue handles a process adds jobs with, on one fail-fast connection (Queues never block). */
export function createQueues (connection: RedisClient, config: Config, log: Logger): Queues {
  const telemetry = queueTelemetry(config)
  return {
    rotations: createRotationQueue(connection, config.QUEUE_PREFIX, log, telemetry),
    deliveries: createDeliveryQueue(connection, config.QUEUE_PREFIX, log, deliverySchedule(config), telemetry),
  }
}

export async function closeQueues (queues: Queues) {
  await Promise.allSettled([queues.rotations.close(), queues.deliveries.close()])
}
