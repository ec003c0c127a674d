import { ERROR_CATALOGUE, isErrorCode } from '../errors/catalogue.js'
import type { RotationRow } from '../db/rotations-repository.js'
import type { RotationResource } from '../schemas/webhook-secret.js'
import { iso } from './envelope.js'

/** A rotation as clients see it; `secret` is given only by callers that just revealed it. */
export function toRotationResource (row: RotationRow, secret: string | null = null): RotationResource {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    idempotencyKey: row.idempotencyKey,
    requestedAt: row.requestedAt.toISOString(),
    completedAt: iso(row.completedAt),
    rotatedAt: iso(row.rotatedAt),
    previousRetainedUntil: iso(row.previousRetainedUntil),
    secretVersion: row.secretVersion,
    secret,
    secretHeld: row.heldSecret !== null,
    secretFirstDeliveredAt: iso(row.secretFirstDeliveredAt),
    secretConfirmedAt: iso(row.secretConfirmedAt),
    secretAvailableUntil: iso(row.secretAvailableUntil),
    secretErasedAt: iso(row.secretErasedAt),
    secretErasedReason: row.secretErasedReason,
    error: row.errorCode === null
      ? null
      : {
          code: row.errorCode,
          title: isErrorCode(row.errorCode) ? ERROR_CATALOGUE[row.errorCode].title : row.errorCode,
          detail: row.errorDetail ?? '',
          retryAfter: row.status === 'rejected' ? row.retryAfterSeconds : null,
        },
  }
}

export function toRotationListItem (row: RotationRow) {
  const { secret: _omitted, ...item } = toRotationResource(row)
  return item
}
