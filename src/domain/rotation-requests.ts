import { createHash } from 'node:crypto'
import type pg from 'pg'
import { v7 as timeOrderedId } from 'uuid'
import type { Logger } from 'pino'
import type { Config } from '../config/config.js'
import { readRotationRequestState, type RotationRequestState } from '../db/rotation-requests-repository.js'
import {
  findRotation, insertRotation, readRotationStatus, TERMINAL_STATUSES,
  type RotationKind, type RotationRow,
} from '../db/rotations-repository.js'
import { AppError } from '../errors/app-error.js'
import type { RotationWaiter } from './rotation-waiter.js'

export interface RotationRequestsDeps {
  pool: pg.Pool
  config: Pick<Config, 'ROTATION_COOLDOWN_SECONDS' | 'IDEMPOTENCY_RETENTION_SECONDS'>
  enqueue: (rotationId: string) => Promise<void>
  log: Logger
  /** Wakes a waiting request when the worker commits; without it (or while it is down) the wait polls. */
  waiter?: RotationWaiter
}

// With commit notifications arriving, polling only covers a lost one.
const SAFETY_POLL_MS = 1000

export interface RotationRequest {
  apiKeyId: string
  kind: RotationKind
  idempotencyKey: string | null
  reason: string | null
  actor: string
  requestId: string
  sourceIp: string | null
  /** An operator rollback or expire-previous naming one retained secret by its version. */
  targetSecretVersion?: number | null
  /** State already read with the key (POST rotate's authentication), used if it was read for this Idempotency-Key. */
  prefetched?: PrefetchedRotationState
}

export type PrefetchedRotationState = RotationRequestState & { idempotencyKey: string | null }

export interface RequestedRotation { rotation: RotationRow; replayed: boolean }

/** What makes two requests under one idempotency key "the same request". */
export function requestFingerprint (kind: RotationKind, reason: string | null, targetSecretVersion: number | null = null) {
  // A named version joins the fingerprint only when given, so requests without one keep theirs.
  const request = targetSecretVersion === null ? { kind, reason } : { kind, reason, secretVersion: targetSecretVersion }
  return createHash('sha256').update(JSON.stringify(request)).digest('hex')
}

export function cooldownError (gate: { retryAfterSeconds: number; lastRotationId: string | null; secretRecoverable: boolean; currentSecretDelivered: boolean; publicKeysOnly?: boolean }, linkBase: string) {
  const headers: Record<string, string> = { 'retry-after': String(gate.retryAfterSeconds) }
  if (gate.publicKeysOnly) {
    return new AppError('WEBHOOK_SECRET_ROTATION_COOLDOWN',
      `This key's signing key pair was rotated less than the cooldown ago. Retry in ${gate.retryAfterSeconds} s. ` +
      'Nothing secret was handed over: the new public key is in GET /v1/auth/api-keys/me/webhook-secret and the key\'s JWKS, so there is no need to rotate again.',
      { headers, extensions: { rotationId: gate.lastRotationId, secretRecoverable: false, secretDelivered: gate.currentSecretDelivered } })
  }
  if (gate.secretRecoverable && gate.lastRotationId) headers.link = `<${linkBase}/${gate.lastRotationId}>; rel="related"`
  return new AppError('WEBHOOK_SECRET_ROTATION_COOLDOWN',
    `This key's secret was rotated less than the cooldown ago. Retry in ${gate.retryAfterSeconds} s. ` +
    (gate.secretRecoverable
      ? 'If you did not receive the new secret of that rotation, fetch it from the Link URL instead of rotating again.'
      : 'If you did not receive the new secret of that rotation, do not rotate again: ask an operator for a recovery rotation.') +
    (gate.currentSecretDelivered
      ? ''
      : ' That secret was never delivered to anyone, so a rotation after the cooldown discards it and will not touch the rollback slot: your previous secret stays.'),
    { headers, extensions: { rotationId: gate.lastRotationId, secretRecoverable: gate.secretRecoverable, secretDelivered: gate.currentSecretDelivered } })
}

/** Accepting rotation requests: idempotency, the fast cooldown check, the insert and the enqueue. */
export function createRotationRequests ({ pool, config, enqueue, log, waiter }: RotationRequestsDeps) {
  const retention = config.IDEMPOTENCY_RETENTION_SECONDS

  function replay (existing: RotationRow, fingerprint: string): RequestedRotation {
    if (existing.idempotencyExpired) {
      throw new AppError('IDEMPOTENCY_KEY_EXPIRED', `This Idempotency-Key was first used at ${existing.requestedAt.toISOString()}, beyond the ${retention} s retention; it no longer replays. Use a new key for a new request.`)
    }
    if (existing.requestFingerprint !== fingerprint) {
      throw new AppError('IDEMPOTENCY_KEY_CONFLICT', 'This Idempotency-Key was already used with a different request body. Replay it with the original body, or use a new key.')
    }
    return { rotation: existing, replayed: true }
  }

  async function request (req: RotationRequest, linkBase: string): Promise<RequestedRotation> {
    const fingerprint = requestFingerprint(req.kind, req.reason, req.targetSecretVersion ?? null)
    // A lost race on the key resolves on the next pass; three passes cover a concurrent rejection.
    for (let pass = 0; pass < 3; pass++) {
      // One round trip (none if read with the key): the key's gate and the rotation its Idempotency-Key names.
      const prefetched = pass === 0 && req.prefetched?.idempotencyKey === req.idempotencyKey ? req.prefetched : undefined
      const { gate, existing } = prefetched ??
        await readRotationRequestState(pool, req.apiKeyId, req.idempotencyKey, { cooldownSeconds: config.ROTATION_COOLDOWN_SECONDS, retentionSeconds: retention })
      // A replay never starts a second rotation, whatever the cooldown says.
      if (existing) return replay(existing, fingerprint)

      if (!gate.webhookConfigured) {
        throw new AppError('WEBHOOK_NOT_CONFIGURED', 'This API key has no webhook configured, so it has no secret to rotate.')
      }
      // Fast path only; records nothing, so the same idempotency key works after the cooldown.
      if (req.kind === 'customer' && gate.cooldownActive) throw cooldownError(gate, linkBase)

      // Time-ordered ids (UUIDv7): inserts land on the right-most pages of the primary key's index.
      const inserted = await insertRotation(pool, { ...req, id: timeOrderedId(), requestFingerprint: fingerprint }, retention)
      if (!inserted) continue
      try {
        await enqueue(inserted.id)
      } catch (err) {
        // The rotation is safe in Postgres as `queued`; the reconciler adds the job when Redis is back.
        log.warn({ err, rotationId: inserted.id }, 'enqueue failed; rotation left queued for the reconciler')
      }
      return { rotation: inserted, replayed: false }
    }
    throw new Error('idempotency key contention did not settle')
  }

  /**
   * Waits until the rotation finishes, the wait ends, or the client leaves: woken by the worker's
   * commit notification, with Postgres (the truth) polled as the safety net, and polled quickly
   * while notifications are not arriving.
   */
  async function waitForOutcome (rotation: RotationRow, waitMs: number, signal: AbortSignal): Promise<RotationRow> {
    const deadline = Date.now() + waitMs
    let delay = 10
    let status = rotation.status
    let notified = false
    while (!notified && !TERMINAL_STATUSES.includes(status) && Date.now() < deadline && !signal.aborted) {
      if (waiter?.listening) {
        notified = (await waiter.wait(rotation.id, Math.min(SAFETY_POLL_MS, deadline - Date.now()), signal)) === 'finished'
      } else {
        await sleep(Math.min(delay, deadline - Date.now()), signal)
        delay = Math.min(delay * 1.5, 200)
      }
      if (!notified) status = (await readRotationStatus(pool, rotation.id)) ?? status
    }
    if (!notified && status === rotation.status) return rotation
    return (await findRotation(pool, rotation.id, rotation.apiKeyId, retention)) ?? rotation
  }

  return { request, waitForOutcome }
}

export type RotationRequests = ReturnType<typeof createRotationRequests>

function sleep (ms: number, signal: AbortSignal) {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(done, Math.max(0, ms))
    signal.addEventListener('abort', done, { once: true })
    function done () {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
  })
}
