import type { sendWebhook } from '../delivery/http-sender.js'
import type { RotationOutcome } from '../domain/rotation-rule.js'
import type { Metrics } from './metrics.js'

/**
 * Counts the rotations a rule run finished, by kind and outcome, with their request-to-completion
 * latency in Postgres time, as the run's own update returned it. A run that found its rotation
 * already finished (a repeated job) counts nothing.
 */
export function instrumentRotationRule (rule: { run: (rotationId: string, attempt?: number) => Promise<RotationOutcome> }, { metrics }: { metrics: Metrics }) {
  return {
    async run (rotationId: string, attempt?: number) {
      const outcome = await rule.run(rotationId, attempt)
      if (outcome.finished) {
        const labels = { kind: outcome.finished.kind, outcome: outcome.status }
        metrics.rotations.inc(labels)
        metrics.rotationLatency.observe(labels, outcome.finished.latencySeconds)
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
