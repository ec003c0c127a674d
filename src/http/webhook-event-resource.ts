import type { WebhookEventRow } from '../db/webhook-events-repository.js'
import { iso } from './envelope.js'

export function toWebhookEventResource (row: WebhookEventRow) {
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
    createdAt: row.createdAt.toISOString(),
    lastAttemptAt: iso(row.lastAttemptAt),
    deliveredAt: iso(row.deliveredAt),
    payload: JSON.parse(row.body) as Record<string, unknown>,
  }
}
