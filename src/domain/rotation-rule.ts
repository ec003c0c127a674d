import type pg from 'pg'
import type { Config } from '../config/config.js'
import { aad, type SecretBox } from '../crypto/secret-box.js'
import { generateWebhookSecret } from '../crypto/tokens.js'
import { writeSecretSlots, type ApiKeyForRotation, type SecretSlots } from '../db/api-keys-repository.js'
import {
  endRetainedSecrets, lastWindowEnded, restartWindow, retainSecret,
  type NewRetainedSecret, type RetainedEndReason, type RetainedSecret,
} from '../db/retained-secrets-repository.js'
import { insertAuditEvent } from '../db/audit-repository.js'
import { withTransaction } from '../db/pool.js'
import { lockRotationWithKey } from '../db/rotation-locks-repository.js'
import {
  eraseSupersededHeldSecret, isCustomersRotation, markRefused, markSucceeded, TERMINAL_STATUSES, type RotationKind, type RotationRow, type RotationStatus,
} from '../db/rotations-repository.js'
import type { WebhookEventType } from '../db/webhook-events-repository.js'
import { endSigningKeys } from '../db/signing-keys-repository.js'
import { rotateSigningKey, signsAsymmetric } from './signing-keys.js'
import { recordWebhookEvent } from './webhook-events.js'

export interface RotationRuleDeps {
  pool: pg.Pool
  config: Pick<Config, 'ROTATION_COOLDOWN_SECONDS' | 'PREVIOUS_SECRET_RETENTION_SECONDS' | 'IDEMPOTENCY_RETENTION_SECONDS' | 'SECRET_HOLD_SECONDS' | 'SIGNING_SECRETS_MAX'>
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
  /** The current secret joins the signing set (the customer may hold it). */
  retain?: NewRetainedSecret
  /** Retained secrets that stop signing now, and why. */
  end?: { versions: number[]; reason: RetainedEndReason }
  /** The retained secret whose window restarts (the last one the customer really has). */
  restart?: number
  audit: string
  event: WebhookEventType | null
  /** What the audit event and webhook event say besides the common facts. */
  facts?: Record<string, unknown>
  /** A never-delivered current secret this change discards: its rotation's held copy is erased. */
  discards?: string
  /** The key pair rotates too (a customer rotation of a key that signs with v1a): a new one, the current one retained. */
  rotatesKeyPair?: boolean
  /** Every retained key pair stops signing now (expire-previous of everything). */
  endsKeyPairs?: boolean
}

/** What the rule knows of the key's current secret. */
interface CurrentSecret {
  plaintext: string
  /** A response carrying it was completely written, or it was fetched or acknowledged: the customer may hold it. */
  possiblyDelivered: boolean
  /** Issued with the key, restored by a rollback, or acknowledged. */
  confirmed: boolean
}

/**
 * `current_to_previous`: the usual rotation. `undelivered_discarded`: the current secret was never
 * delivered, so it was discarded and the retained secrets kept (SPEC 5, the delivered rule).
 */
export type RotationPath = 'current_to_previous' | 'undelivered_discarded' | 'key_pair_only'

/**
 * The rollback target: the newest confirmed retained secret, else the newest (the caller says so).
 * Retained secrets come newest first.
 */
export function rollbackTarget<S extends Pick<RetainedSecret, 'secretVersion' | 'confirmed'>> (retained: readonly S[]): S | undefined {
  return retained.find((s) => s.confirmed) ?? retained[0]
}

/**
 * The bound of the signing set: past `maxRetained` retained secrets, the oldest go first, except
 * the newest confirmed one (the rollback target), which stays while its window lasts.
 */
export function overBound (retained: readonly Pick<RetainedSecret, 'secretVersion' | 'confirmed'>[], maxRetained: number): number[] {
  const keep = rollbackTarget(retained)
  const dropped: number[] = []
  let size = retained.length
  for (let i = retained.length - 1; i >= 0 && size > maxRetained; i--) {
    if (retained[i] === keep) continue
    dropped.push(retained[i]!.secretVersion)
    size--
  }
  return dropped
}

/**
 * The rotation rule: the only code that changes a key's secrets, one transaction per run. Safe to
 * run any number of times for the same rotation: a finished rotation is returned as it stands.
 */
export function createRotationRule ({ pool, config, secretBox }: RotationRuleDeps) {
  const windowSeconds = config.PREVIOUS_SECRET_RETENTION_SECONDS
  const maxRetained = config.SIGNING_SECRETS_MAX - 1
  const encryptCurrent = (key: ApiKeyForRotation, secret: string) => secretBox.encrypt(secret, aad.current(key.id))
  // Nobody is waiting for a scheduled rotation's secret: it is held for as long as the secret it
  // replaces keeps signing (the retention window), so a customer that picks it up within that
  // window never stops verifying.
  const holdSeconds = (kind: RotationKind) => kind === 'scheduled' ? Math.max(config.SECRET_HOLD_SECONDS, windowSeconds) : config.SECRET_HOLD_SECONDS
  const fresh = (key: ApiKeyForRotation) => {
    const secret = generateWebhookSecret()
    return { secret, slot: encryptCurrent(key, secret) }
  }

  /** What each kind of rotation does to the signing set (SPEC 5 and 6), or why it must not. */
  async function plan (client: pg.PoolClient, rotation: RotationRow, key: ApiKeyForRotation, current: CurrentSecret, retained: RetainedSecret[]): Promise<Change | Refusal> {
    const change = await planSecrets(client, rotation, key, current, retained)
    if ('code' in change || !isCustomersRotation(rotation.kind) || !signsAsymmetric(key.signingScheme)) return change
    // A customer (or scheduled) rotation of a key that signs with v1a rotates its key pair; with `asymmetric` alone
    // the whsec_ secret (which signs nothing) is left as it is, and nothing secret is handed over.
    if (key.signingScheme === 'both') return { ...change, rotatesKeyPair: true }
    return {
      slots: { current: key.webhookSecret!, startsCooldown: true, bumpsVersion: false, currentSource: 'unchanged' },
      held: null,
      rotatesKeyPair: true,
      audit: 'webhook_secret.rotated',
      event: 'webhook_secret.rotated',
      facts: { path: 'key_pair_only' satisfies RotationPath },
    }
  }

  async function planSecrets (client: pg.PoolClient, rotation: RotationRow, key: ApiKeyForRotation, current: CurrentSecret, retained: RetainedSecret[]): Promise<Change | Refusal> {
    switch (rotation.kind) {
      // A scheduled rotation is a customer rotation the key's schedule asked for: the same rule.
      case 'customer':
      case 'scheduled': {
        // Inside the cooldown a customer rotation is rejected, decided here under the lock with Postgres time.
        if (key.cooldownActive) {
          return { status: 'rejected', code: 'WEBHOOK_SECRET_ROTATION_COOLDOWN', detail: 'A rotation of this key succeeded less than the cooldown ago; this one was not applied.', retryAfterAt: key.cooldownEndsAt, cooldownRotationId: key.lastRotationId }
        }
        const next = fresh(key)
        const rotated = { current: next.slot, startsCooldown: true, bumpsVersion: true, currentSource: 'this-rotation' as const }
        // The delivered rule: a current secret nobody can hold is discarded; the retained secrets
        // stay, and the rollback target's window restarts, as in a recovery.
        if (!current.possiblyDelivered) {
          const target = rollbackTarget(retained)
          return {
            slots: rotated,
            held: next.secret,
            audit: 'webhook_secret.rotated',
            event: 'webhook_secret.rotated',
            ...(target ? { restart: target.secretVersion } : {}),
            facts: { path: 'undelivered_discarded' satisfies RotationPath, discardedRotationId: key.currentSecretRotationId },
            discards: key.currentSecretRotationId!,
          }
        }
        // The current secret may be held by the customer, so it keeps signing for its own window;
        // no other retained secret is pushed out, except past the bound.
        const joining = { secretVersion: key.secretVersion, confirmed: current.confirmed }
        const dropped = overBound([joining, ...retained], maxRetained)
        return {
          slots: rotated,
          held: next.secret,
          retain: { ...joining, secret: secretBox.encrypt(current.plaintext, aad.previous(key.id)), rotationId: key.currentSecretRotationId, windowSeconds },
          ...(dropped.length > 0 ? { end: { versions: dropped, reason: 'bound' as const } } : {}),
          audit: 'webhook_secret.rotated',
          event: 'webhook_secret.rotated',
          facts: { path: 'current_to_previous' satisfies RotationPath, discardedRotationId: null, ...(dropped.length > 0 ? { droppedSecretVersions: dropped } : {}) },
        }
      }
      case 'operator_recover': {
        // The customer lost the newest secret: it is discarded; the retained secrets keep signing,
        // and the last one the customer really has (the rollback target) gets a fresh window.
        const next = fresh(key)
        const target = rollbackTarget(retained)
        return {
          slots: { current: next.slot, startsCooldown: true, bumpsVersion: true, currentSource: 'this-rotation' },
          held: next.secret,
          ...(target ? { restart: target.secretVersion } : {}),
          audit: 'webhook_secret.recovered',
          event: 'webhook_secret.rotated',
        }
      }
      case 'operator_rollback': {
        const named = rotation.targetSecretVersion
        const target = named === null ? rollbackTarget(retained) : retained.find((s) => s.secretVersion === named)
        if (!target) return await noRetainedSecret(client, key, named)
        // current := the target; the failed current secret is discarded; every other retained
        // secret keeps signing until its own window ends.
        return {
          slots: { current: encryptCurrent(key, secretBox.decrypt(target.secret, aad.previous(key.id))), startsCooldown: false, bumpsVersion: true, currentSource: 'restored' },
          held: null,
          end: { versions: [target.secretVersion], reason: 'restored' },
          audit: 'webhook_secret.rolled_back',
          event: 'webhook_secret.rolled_back',
          // With no confirmed secret in its window the newest one is restored: said here, as the customer may not hold it.
          facts: { restoredSecretVersion: target.secretVersion, restoredConfirmed: target.confirmed, targetNamed: named !== null },
        }
      }
      case 'operator_expire_previous': {
        // A secret leaked: every retained secret (or the one named) stops signing now. Nothing to expire is not an error.
        const named = rotation.targetSecretVersion
        const versions = named === null ? retained.map((s) => s.secretVersion) : retained.filter((s) => s.secretVersion === named).map((s) => s.secretVersion)
        if (named !== null && versions.length === 0) return await noRetainedSecret(client, key, named)
        return {
          slots: { current: key.webhookSecret!, startsCooldown: false, bumpsVersion: false, currentSource: 'unchanged' },
          held: null,
          end: { versions, reason: 'expired_by_operator' },
          audit: 'webhook_secret.previous_expired',
          event: null,
          facts: { expiredSecretVersions: versions },
          // A named version is a whsec_ secret; expiring everything expires the retained key pairs too.
          endsKeyPairs: named === null,
        }
      }
      default:
        throw new RotationInvariantError(`unknown rotation kind ${String(rotation.kind)}`)
    }
  }

  /** `attempt`: the job's attempt number, recorded with the outcome. */
  async function run (rotationId: string, attempt = 1): Promise<RotationOutcome> {
    return withTransaction(pool, async (client) => {
      // 1. Lock the rotation, its key row, the rotation whose secret is current and the key's
      //    retained secrets (one statement).
      //    Changes to one key's secrets run one after another from here on. A finished rotation
      //    (a stalled or repeated job) changes nothing.
      const locked = await lockRotationWithKey(client, rotationId, { cooldownSeconds: config.ROTATION_COOLDOWN_SECONDS, retentionSeconds: config.IDEMPOTENCY_RETENTION_SECONDS })
      if (!locked) throw new RotationInvariantError(`rotation ${rotationId} does not exist`)
      const { rotation, key } = locked
      if (TERMINAL_STATUSES.includes(rotation.status)) return { rotationId, status: rotation.status }

      // 2. A revoked key or one without a webhook is refused.
      if (key.revoked) {
        // An operator's own credentials are fine: the key it acts on is revoked (a 409, not the 401 of authentication).
        const code = isCustomersRotation(rotation.kind) ? 'API_KEY_REVOKED' : 'KEY_REVOKED'
        return refuse(client, rotation, attempt, { status: 'failed', code, detail: 'The API key was revoked before the rotation ran; nothing was changed.' })
      }
      if (key.webhookSecret === null) return refuse(client, rotation, attempt, { status: 'failed', code: 'WEBHOOK_NOT_CONFIGURED', detail: 'The API key has no webhook configured, so it has no secret to change.' })

      // 3. Decide the change for this kind, or refuse it. The secret issued with the key, or one a
      //    rollback restored, was delivered and confirmed; a rotation's secret was possibly delivered
      //    once a response carrying it was written, and confirmed once acknowledged.
      const current: CurrentSecret = {
        plaintext: secretBox.decrypt(key.webhookSecret, aad.current(key.id)),
        possiblyDelivered: locked.currentSecretDelivered ?? true,
        confirmed: locked.currentSecretConfirmed ?? true,
      }
      const change = await plan(client, rotation, key, current, locked.retained)
      if ('code' in change) return refuse(client, rotation, attempt, change)
      if (change.discards !== undefined && await eraseSupersededHeldSecret(client, change.discards)) {
        await insertAuditEvent(client, { ...auditContext(rotation), rotationId: change.discards, action: 'webhook_secret.held_secret_erased', details: { reason: 'superseded_undelivered', supersededBy: rotationId } })
      }

      // 4. Change the signing set, then the current secret; the rotation succeeds and holds any new
      //    secret until its requester has it.
      if (change.retain) await retainSecret(client, key.id, change.retain)
      if (change.end) await endRetainedSecrets(client, key.id, change.end.versions, change.end.reason)
      if (change.restart !== undefined) await restartWindow(client, key.id, change.restart, windowSeconds)
      const keyPair = change.rotatesKeyPair
        ? await rotateSigningKey(client, secretBox, { apiKeyId: key.id, rotationId, windowSeconds, maxRetained })
        : null
      const expiredKeyVersions = change.endsKeyPairs ? await endSigningKeys(client, key.id, null, 'expired_by_operator') : null
      const written = await writeSecretSlots(client, key.id, { ...change.slots, rotationId })
      const latencySeconds = await markSucceeded(client, rotationId, {
        ...written,
        heldSecret: change.held === null ? null : secretBox.encrypt(change.held, aad.held(rotationId)),
        holdSeconds: holdSeconds(rotation.kind),
        attempt,
      })
      const facts = {
        kind: rotation.kind,
        secretVersion: written.secretVersion,
        previousRetainedUntil: written.previousRetainedUntil?.toISOString() ?? null,
        ...change.facts,
        // Public facts only: a key pair is named by its version and kid.
        ...(keyPair ? { keyVersion: keyPair.issued.keyVersion, kid: keyPair.issued.kid, publicKey: keyPair.issued.publicKey, retainedKeyVersion: keyPair.retainedVersion, ...(keyPair.dropped.length > 0 ? { droppedKeyVersions: keyPair.dropped } : {}) } : {}),
        ...(expiredKeyVersions ? { expiredKeyVersions } : {}),
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

/** A rollback or a named expiry with no retained secret to act on: why, in the SPEC's codes. */
async function noRetainedSecret (client: pg.PoolClient, key: ApiKeyForRotation, named: number | null): Promise<Refusal> {
  if (named !== null) return { status: 'failed', code: 'NO_PREVIOUS_SECRET', detail: `Secret version ${named} is not signing (it is current, its window ended, or it was expired or restored); nothing was changed.` }
  const windowEnded = await lastWindowEnded(client, key.id)
  if (windowEnded !== null) return { status: 'failed', code: 'ROLLBACK_WINDOW_CLOSED', detail: `The last retained secret's window ended at ${windowEnded.toISOString()}; use a recovery rotation instead.` }
  return { status: 'failed', code: 'NO_PREVIOUS_SECRET', detail: 'The key holds no earlier secret in its window to roll back to.' }
}

function auditContext (rotation: RotationRow) {
  return {
    actorType: rotation.kind === 'customer' ? 'customer' as const : rotation.kind === 'scheduled' ? 'system' as const : 'operator' as const,
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
