import type pg from 'pg'
import type { Logger } from 'pino'
import { rotationTiming } from '../db/metrics-repository.js'
import type { sendWebhook } from '../delivery/http-sender.js'
import type { RotationOutcome } from '../domain/rotation-rule.js'
import type { Metrics } from './metrics.js'

const FINISHED = new Set(['succeeded', 'rejected', 'failed'])

/**
 * Counts the rotations a rule run finished, by kind and outcome, with their request-to-completion
 * latency from the row's own timestamps. At-least-once like the job: a job that runs again after a
 * crash between commit and completion counts its rotation twice.
 */
export function instrumentRotationRule (
  rule: { run: (rotationId: string) => Promise<RotationOutcome> },
  { metrics, pool, log }: { metrics: Metrics; pool: pg.Pool; log: Logger }
) {
  return {
    async run (rotationId: string) {
      const outcome = await rule.run(rotationId)
      if (FINISHED.has(outcome.status)) {
        try {
          const timing = await rotationTiming(pool, rotationId)
          if (timing) {
            const labels = { kind: timing.kind, outcome: timing.status }
            metrics.rotations.inc(labels)
            if (timing.latencySeconds !== null) metrics.rotationLatency.observe(labels, timing.latencySeconds)
          }
        } catch (err) {
          log.warn({ err, rotationId }, 'metrics: rotation timing unavailable')
        }
      }
      return outcome
    },
  }
}

/** Times each delivery attempt (the HTTP POST) and counts it by outcome. */
export function instrumentSend (send: typeof sendWebhook, metrics: Metrics): typeof sendWebhook {
  return async function timedSend (req) {
    const end = metrics.deliveryDuration.startTimer()
    const result = await send(req)
    end({ outcome: result.outcome })
    metrics.deliveryAttempts.inc({ outcome: result.outcome })
    return result
  }
}
