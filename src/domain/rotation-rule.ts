import type pg from 'pg'
import type { Config } from '../config/config.js'
import { aad, type SecretBox } from '../crypto/secret-box.js'
import { generateWebhookSecret } from '../crypto/tokens.js'
import { writeSecretSlots, type ApiKeyForRotation, type SecretSlots } from '../db/api-keys-repository.js'
import { insertAuditEvent } from '../db/audit-repository.js'
import { withTransaction } from '../db/pool.js'
import { lockRotationWithKey } from '../db/rotation-locks-repository.js'
import {
  eraseSupersededHeldSecret, markRefused, markSucceeded, TERMINAL_STATUSES, type RotationKind, type RotationRow, type RotationStatus,
} from '../db/rotations-repository.js'
import type { WebhookEventType } from '../db/webhook-events-repository.js'
import { recordWebhookEvent } from './webhook-events.js'

export interface RotationRuleDeps {
  pool: pg.Pool
  config: Pick<Config, 'ROTATION_COOLDOWN_SECONDS' | 'PREVIOUS_SECRET_RETENTION_SECONDS' | 'IDEMPOTENCY_RETENTION_SECONDS' | 'SECRET_HOLD_SECONDS'>
  secretBox: SecretBox
}

export interface RotationOutcome {
  rotationId: string
  status: RotationStatus
  /** The event this run recorded for delivery, to enqueue once committed (the reconciler backs this up). */
  event?: { id: string; jobId: string; status: string }
  /** Set when this run finished the rotation (not when it found it finished): for metrics. */
  finished?: { kind: RotationKind; latencySeconds: number }
}

/** A broken invariant (a job naming no rotation, an unknown kind): retrying cannot help. */
export class RotationInvariantError extends Error {}

interface Refusal { status: 'rejected' | 'failed'; code: string; detail: string; retryAfterAt?: Date | null; cooldownRotationId?: string | null }
interface Change {
  slots: Omit<SecretSlots, 'rotationId'>
  /** A new secret handed to the requester, held until fetched and acknowledged. */
  held: string | null
  audit: string
  event: WebhookEventType | null
  /** A customer rotation's path under the delivered rule, said in its audit event and webhook event. */
  path?: RotationPath
  /** A never-delivered current secret this change discards: its rotation's held copy is erased. */
  discards?: string
}

/**
 * `current_to_previous`: the usual rotation. `undelivered_discarded`: the current secret was never
 * delivered, so it was discarded and previous kept (SPEC 5, the delivered rule).
 */
export type RotationPath = 'current_to_previous' | 'undelivered_discarded'

/**
 * The rotation rule: the only code that changes a key's secrets, one transaction per run. Safe to
 * run any number of times for the same rotation: a finished rotation is returned as it stands.
 */
export function createRotationRule ({ pool, config, secretBox }: RotationRuleDeps) {
  const retention = { restartSeconds: config.PREVIOUS_SECRET_RETENTION_SECONDS }
  const encryptCurrent = (key: ApiKeyForRotation, secret: string) => secretBox.encrypt(secret, aad.current(key.id))

  /** What each kind of rotation does to the slots (SPEC 5 and 6), or why it must not. */
  function plan (rotation: RotationRow, key: ApiKeyForRotation, current: string, currentDelivered: boolean): Change | Refusal {
    switch (rotation.kind) {
      case 'customer': {
        // Inside the cooldown a customer rotation is rejected, decided here under the lock with Postgres time.
        if (key.cooldownActive) {
          return { status: 'rejected', code: 'WEBHOOK_SECRET_ROTATION_COOLDOWN', detail: 'A rotation of this key succeeded less than the cooldown ago; this one was not applied.', retryAfterAt: key.cooldownEndsAt, cooldownRotationId: key.lastRotationId }
        }
        // previous := current (its window restarts), current := a fresh secret. The delivered rule:
        // a current secret nobody received never enters the rollback slot; it is discarded and
        // previous, the last secret the customer really had, is kept (and restarted), as in a recovery.
        const fresh = generateWebhookSecret()
        const previous = currentDelivered ? secretBox.encrypt(current, aad.previous(key.id)) : key.webhookSecretPrevious
        return {
          slots: { current: encryptCurrent(key, fresh), previous, previousWindow: retention, startsCooldown: true, bumpsVersion: true, currentSource: 'this-rotation' },
          held: fresh,
          audit: 'webhook_secret.rotated',
          event: 'webhook_secret.rotated',
          path: currentDelivered ? 'current_to_previous' : 'undelivered_discarded',
          ...(currentDelivered ? {} : { discards: key.currentSecretRotationId! }),
        }
      }
      case 'operator_recover': {
        // The customer lost the newest secret: it is discarded; previous, the last secret they really have, is kept and its window restarts.
        // A previous secret past its window is not brought back (the sweep erases it anyway, so the outcome does not depend on its timing).
        const fresh = generateWebhookSecret()
        return {
          slots: { current: encryptCurrent(key, fresh), previous: key.previousInWindow ? key.webhookSecretPrevious : null, previousWindow: retention, startsCooldown: true, bumpsVersion: true, currentSource: 'this-rotation' },
          held: fresh,
          audit: 'webhook_secret.recovered',
          event: 'webhook_secret.rotated',
        }
      }
      case 'operator_rollback': {
        // The window is checked first: once it has passed, the sweep erases the previous secret but keeps its end.
        if (key.previousRetainedUntil !== null && !key.previousInWindow) return { status: 'failed', code: 'ROLLBACK_WINDOW_CLOSED', detail: `The previous secret's window ended at ${key.previousRetainedUntil.toISOString()}; use a recovery rotation instead.` }
        if (key.webhookSecretPrevious === null) return { status: 'failed', code: 'NO_PREVIOUS_SECRET', detail: 'The key holds no previous secret to roll back to.' }
        // current := previous; the failed secret is discarded; previous := null, so dual-signing stops.
        const previous = secretBox.decrypt(key.webhookSecretPrevious, aad.previous(key.id))
        return {
          slots: { current: encryptCurrent(key, previous), previous: null, previousWindow: 'keep', startsCooldown: false, bumpsVersion: true, currentSource: 'restored' },
          held: null,
          audit: 'webhook_secret.rolled_back',
          event: 'webhook_secret.rolled_back',
        }
      }
      case 'operator_expire_previous':
        // The old secret leaked: previous := null now, dual-signing stops. Nothing to expire is not an error.
        return {
          slots: { current: key.webhookSecret!, previous: null, previousWindow: 'keep', startsCooldown: false, bumpsVersion: false, currentSource: 'unchanged' },
          held: null,
          audit: 'webhook_secret.previous_expired',
          event: null,
        }
      default:
        throw new RotationInvariantError(`unknown rotation kind ${String(rotation.kind)}`)
    }
  }

  /** `attempt`: the job's attempt number, recorded with the outcome. */
  async function run (rotationId: string, attempt = 1): Promise<RotationOutcome> {
    return withTransaction(pool, async (client) => {
      // 1. Lock the rotation, its key row and the rotation whose secret is current (one statement).
      //    Changes to one key's secrets run one after another from here on. A finished rotation
      //    (a stalled or repeated job) changes nothing.
      const locked = await lockRotationWithKey(client, rotationId, { cooldownSeconds: config.ROTATION_COOLDOWN_SECONDS, retentionSeconds: config.IDEMPOTENCY_RETENTION_SECONDS })
      if (!locked) throw new RotationInvariantError(`rotation ${rotationId} does not exist`)
      const { rotation, key } = locked
      if (TERMINAL_STATUSES.includes(rotation.status)) return { rotationId, status: rotation.status }

      // 2. A revoked key or one without a webhook is refused.
      if (key.revoked) {
        // An operator's own credentials are fine: the key it acts on is revoked (a 409, not the 401 of authentication).
        const code = rotation.kind === 'customer' ? 'API_KEY_REVOKED' : 'KEY_REVOKED'
        return refuse(client, rotation, attempt, { status: 'failed', code, detail: 'The API key was revoked before the rotation ran; nothing was changed.' })
      }
      if (key.webhookSecret === null) return refuse(client, rotation, attempt, { status: 'failed', code: 'WEBHOOK_NOT_CONFIGURED', detail: 'The API key has no webhook configured, so it has no secret to change.' })

      // 3. Decide the change for this kind, or refuse it. The secret issued with the key, or one a
      //    rollback restored, was delivered; a rotation's secret only once it reached its requester.
      const change = plan(rotation, key, secretBox.decrypt(key.webhookSecret, aad.current(key.id)), locked.currentSecretDelivered ?? true)
      if ('code' in change) return refuse(client, rotation, attempt, change)
      if (change.discards !== undefined && await eraseSupersededHeldSecret(client, change.discards)) {
        await insertAuditEvent(client, { ...auditContext(rotation), rotationId: change.discards, action: 'webhook_secret.held_secret_erased', details: { reason: 'superseded_undelivered', supersededBy: rotationId } })
      }

      // 4. Write the slots; the rotation succeeds and holds any new secret until its requester has it.
      const written = await writeSecretSlots(client, key.id, { ...change.slots, rotationId })
      const latencySeconds = await markSucceeded(client, rotationId, {
        ...written,
        heldSecret: change.held === null ? null : secretBox.encrypt(change.held, aad.held(rotationId)),
        holdSeconds: config.SECRET_HOLD_SECONDS,
        attempt,
      })
      const facts = {
        kind: rotation.kind,
        secretVersion: written.secretVersion,
        previousRetainedUntil: written.previousRetainedUntil?.toISOString() ?? null,
        ...(change.path ? { path: change.path, discardedRotationId: change.discards ?? null } : {}),
      }
      await insertAuditEvent(client, { ...auditContext(rotation), action: change.audit, details: facts })

      // 5. Announce it to the webhook, in the same transaction (signed at send time with the secrets then in force).
      const finished = { kind: rotation.kind, latencySeconds }
      if (change.event === null) return { rotationId, status: 'succeeded', finished }
      const event = await recordWebhookEvent(client, {
        apiKeyId: key.id,
        type: change.event,
        createdAt: written.rotatedAt,
        rotationId,
        data: { apiKeyId: key.id, rotationId, ...facts, at: written.rotatedAt.toISOString() },
      })
      return { rotationId, status: 'succeeded', event, finished }
    })
  }

  return { run }
}

function auditContext (rotation: RotationRow) {
  return {
    actorType: rotation.kind === 'customer' ? 'customer' as const : 'operator' as const,
    actor: rotation.actor,
    apiKeyId: rotation.apiKeyId,
    rotationId: rotation.id,
    requestId: rotation.requestId,
    sourceIp: rotation.sourceIp,
    reason: rotation.reason,
  }
}

async function refuse (client: pg.PoolClient, rotation: RotationRow, attempt: number, r: Refusal): Promise<RotationOutcome> {
  const latencySeconds = await markRefused(client, rotation.id, { status: r.status, errorCode: r.code, errorDetail: r.detail, retryAfterAt: r.retryAfterAt, cooldownRotationId: r.cooldownRotationId, attempt })
  await insertAuditEvent(client, {
    ...auditContext(rotation),
    action: r.status === 'rejected' ? 'webhook_secret.rotation_rejected' : 'webhook_secret.rotation_failed',
    details: { kind: rotation.kind, errorCode: r.code },
  })
  return { rotationId: rotation.id, status: r.status, finished: { kind: rotation.kind, latencySeconds } }
}
