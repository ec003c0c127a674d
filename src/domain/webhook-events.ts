import { v7 as timeOrderedId } from 'uuid'
import type { Queryable } from '../db/pool.js'
import { insertWebhookEvent, type SignWith, type WebhookEventType } from '../db/webhook-events-repository.js'
import { API_VERSION } from '../http/api-version.js'

/** How many times a customer may ask for an event to be sent again. */
export const REDELIVERY_LIMIT = 5

/**
 * Records an event for delivery, in the caller's transaction (an outbox: no event is lost between
 * the change it announces and the queue). The body is fixed here, once: every attempt sends the same
 * bytes; only the signature is computed at send time. Events carry ids and times, never a secret.
 */
export async function recordWebhookEvent (
  q: Queryable,
  e: { apiKeyId: string; type: WebhookEventType; data: Record<string, unknown>; createdAt: Date; signWith?: SignWith; rotationId?: string | null }
) {
  // Time-ordered (UUIDv7), as rotation ids: a growing table's inserts stay on its index's right-most pages.
  const id = timeOrderedId()
  const body = JSON.stringify({ id, type: e.type, apiVersion: API_VERSION, createdAt: e.createdAt.toISOString(), data: e.data })
  return insertWebhookEvent(q, { id, apiKeyId: e.apiKeyId, type: e.type, body, signWith: e.signWith ?? 'both', rotationId: e.rotationId ?? null })
}
