import type pg from 'pg'
import type { Config } from '../config/config.js'
import { aad, type SecretBox } from '../crypto/secret-box.js'
import { generateWebhookSecret } from '../crypto/tokens.js'
import { lockApiKeyForRotation, writeRotatedSecrets } from '../db/api-keys-repository.js'
import { insertAuditEvent } from '../db/audit-repository.js'
import { withTransaction } from '../db/pool.js'
import { recordWebhookEvent } from './webhook-events.js'
import { lockRotation, markRefused, markSucceeded, TERMINAL_STATUSES, type RotationRow, type RotationStatus } from '../db/rotations-repository.js'

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
}

/** A broken invariant (a job naming no rotation, an unknown kind): retrying cannot help. */
export class RotationInvariantError extends Error {}

/**
 * The rotation rule: the only code that changes a key's secrets, one transaction per run. Safe to
 * run any number of times for the same rotation: a finished rotation is returned as it stands.
 */
export function createRotationRule ({ pool, config, secretBox }: RotationRuleDeps) {
  async function run (rotationId: string): Promise<RotationOutcome> {
    return withTransaction(pool, async (client) => {
      // 1. Lock the rotation; if it already finished, a stalled or repeated job changes nothing.
      const rotation = await lockRotation(client, rotationId, config.IDEMPOTENCY_RETENTION_SECONDS)
      if (!rotation) throw new RotationInvariantError(`rotation ${rotationId} does not exist`)
      if (TERMINAL_STATUSES.includes(rotation.status)) return { rotationId, status: rotation.status }

      // 2. Lock the key row: rotations of one key run one after another from here on.
      const key = await lockApiKeyForRotation(client, rotation.apiKeyId, config.ROTATION_COOLDOWN_SECONDS)
      if (key.revoked) {
        return refuse(client, rotation, 'failed', 'API_KEY_REVOKED', 'The API key was revoked before the rotation ran; nothing was changed.')
      }
      if (key.webhookSecret === null) {
        return refuse(client, rotation, 'failed', 'WEBHOOK_NOT_CONFIGURED', 'The API key has no webhook configured, so it has no secret to rotate.')
      }

      // 3. Customer rotations inside the cooldown are rejected, decided here under the lock with Postgres time.
      if (rotation.kind === 'customer' && key.cooldownActive) {
        return refuse(client, rotation, 'rejected', 'WEBHOOK_SECRET_ROTATION_COOLDOWN',
          'A rotation of this key succeeded less than the cooldown ago; this one was not applied.',
          { retryAfterAt: key.cooldownEndsAt, cooldownRotationId: key.lastRotationId })
      }
      if (rotation.kind !== 'customer') throw new RotationInvariantError(`rotation kind ${rotation.kind} is not handled by this rule yet`)

      // 4. previous := current (its window restarts), current := a fresh secret, version + 1.
      const current = secretBox.decrypt(key.webhookSecret, aad.current(key.id))
      const fresh = generateWebhookSecret()
      const written = await writeRotatedSecrets(client, key.id, {
        current: secretBox.encrypt(fresh, aad.current(key.id)),
        previous: secretBox.encrypt(current, aad.previous(key.id)),
        retainSeconds: config.PREVIOUS_SECRET_RETENTION_SECONDS,
        rotationId,
      })

      // 5. The rotation succeeds and holds the new secret until its requester has it.
      await markSucceeded(client, rotationId, {
        ...written,
        heldSecret: secretBox.encrypt(fresh, aad.held(rotationId)),
        holdSeconds: config.SECRET_HOLD_SECONDS,
      })
      await insertAuditEvent(client, {
        ...auditContext(rotation),
        action: 'webhook_secret.rotated',
        details: { kind: rotation.kind, secretVersion: written.secretVersion, previousRetainedUntil: written.previousRetainedUntil },
      })

      // 6. Announce it to the webhook (signed with both secrets while the window is open).
      const event = await recordWebhookEvent(client, {
        apiKeyId: key.id,
        type: 'webhook_secret.rotated',
        createdAt: written.rotatedAt,
        rotationId,
        data: {
          apiKeyId: key.id,
          rotationId,
          kind: rotation.kind,
          secretVersion: written.secretVersion,
          rotatedAt: written.rotatedAt.toISOString(),
          previousRetainedUntil: written.previousRetainedUntil?.toISOString() ?? null,
        },
      })
      return { rotationId, status: 'succeeded', event }
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

async function refuse (
  client: pg.PoolClient,
  rotation: RotationRow,
  status: 'rejected' | 'failed',
  errorCode: string,
  errorDetail: string,
  extra: { retryAfterAt?: Date | null; cooldownRotationId?: string | null } = {},
): Promise<RotationOutcome> {
  await markRefused(client, rotation.id, { status, errorCode, errorDetail, ...extra })
  await insertAuditEvent(client, {
    ...auditContext(rotation),
    action: status === 'rejected' ? 'webhook_secret.rotation_rejected' : 'webhook_secret.rotation_failed',
    details: { kind: rotation.kind, errorCode },
  })
  return { rotationId: rotation.id, status }
}
