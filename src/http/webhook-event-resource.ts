import type { WebhookEventRow } from '../db/webhook-events-repository.js'
import { iso } from './envelope.js'

/**
 * A machine-readable code for the last failed attempt, derived from the stored error text (which
 * http-sender builds only from status codes, error codes and fixed phrases).
 */
export function failureCode (row: Pick<WebhookEventRow, 'status' | 'lastStatusCode' | 'lastError'>): string | null {
  if (row.status === 'delivered' || row.lastError === null) return null
  const error = row.lastError
  if (row.lastStatusCode !== null) return `HTTP_${row.lastStatusCode}`
  if (error.startsWith('timeout')) return 'TIMEOUT'
  if (error.startsWith('address not allowed')) return 'ADDRESS_NOT_ALLOWED'
  if (error === 'invalid webhook URL') return 'INVALID_URL'
  if (error.startsWith('invalid request')) return 'INVALID_REQUEST'
  if (error.startsWith('no webhook URL')) return 'WEBHOOK_NOT_CONFIGURED'
  if (error.startsWith('no previous secret')) return 'NO_PREVIOUS_SECRET'
  return /^([A-Z][A-Z0-9_]*):/.exec(error)?.[1] ?? 'DELIVERY_ERROR'
}

export function toWebhookEventResource (row: WebhookEventRow) {
  const emittedAt = row.createdAt.toISOString()
  const lastAttemptedAt = iso(row.lastAttemptAt)
  const lastDeliveredAt = iso(row.deliveredAt)
  return {
    id: row.id,
    type: row.type,
    status: row.status,
    signWith: row.signWith,
    rotationId: row.rotationId,
    attempts: row.attempts,
    redeliveries: row.redeliveries,
    lastStatusCode: row.lastStatusCode,
    lastError: row.lastError,
    createdAt: emittedAt,
    lastAttemptAt: lastAttemptedAt,
    deliveredAt: lastDeliveredAt,
    payload: JSON.parse(row.body) as Record<string, unknown>,
    eventType: row.type,
    apiKeyId: row.apiKeyId,
    tradeRequestId: null,
    emittedAt,
    outboxEmittedAt: row.status === 'none' ? null : emittedAt,
    replayCount: row.redeliveries,
    lastDeliveredAt,
    deliveryAttempts: row.attempts,
    delivery: {
      attempts: row.attempts,
      lastAttemptedAt,
      lastDeliveredAt,
      lastStatusCode: row.lastStatusCode,
      lastFailureCode: failureCode(row),
      lastErrorMessage: row.lastError,
      terminalFailureAt: row.status === 'failed' ? lastAttemptedAt : null,
    },
  }
}
