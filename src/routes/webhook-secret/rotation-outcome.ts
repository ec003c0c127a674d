import type { FastifyReply, FastifyRequest } from 'fastify'
import type pg from 'pg'
import type { Config } from '../../config/config.js'
import { readRotationGate } from '../../db/api-keys-repository.js'
import { findRotation, TERMINAL_STATUSES, type RotationRow } from '../../db/rotations-repository.js'
import { AppError } from '../../errors/app-error.js'
import { isErrorCode } from '../../errors/catalogue.js'
import type { Actor, HeldSecrets } from '../../domain/held-secrets.js'
import { cooldownError, type RotationRequest, type RotationRequests } from '../../domain/rotation-requests.js'
import { parseIdempotencyKey, parseWaitPreference, prefersAsync } from '../../http/request-headers.js'
import { envelope, type MetaOptions } from '../../http/envelope.js'
import { toRotationResource } from '../../http/rotation-resource.js'
import { findSigningKeyByRotation } from '../../db/signing-keys-repository.js'
import { toPublicKeyResource } from '../../domain/signing-keys.js'

export interface OutcomeDeps {
  pool: pg.Pool
  config: Pick<Config, 'ROTATION_COOLDOWN_SECONDS' | 'IDEMPOTENCY_RETENTION_SECONDS' | 'ROTATE_WAIT_DEFAULT_MS' | 'ROTATE_WAIT_MAX_MS'>
  heldSecrets: HeldSecrets
}

/**
 * Records a rotation request (or finds the one its Idempotency-Key names) and waits for it as long
 * as `Prefer` asks, stopping early if the client hangs up. Sets Location and Idempotent-Replay(ed);
 * customer and operator routes answer from what it returns.
 */
export async function requestAndWait (
  rotationRequests: RotationRequests,
  deps: OutcomeDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  req: Omit<RotationRequest, 'idempotencyKey' | 'requestId' | 'sourceIp'>,
  locationBase: string
) {
  // Listen before any await: a client can hang up while the rotation is being recorded.
  const clientGone = new AbortController()
  // `close` follows every answer too; only one not yet written means the client left (and an abort costs a DOMException).
  reply.raw.once('close', () => { if (!reply.raw.writableFinished) clientGone.abort() })
  const idempotencyKey = parseIdempotencyKey(request.headers['idempotency-key'])
  const waitMs = parseWaitPreference(request.headers.prefer, deps.config.ROTATE_WAIT_DEFAULT_MS, deps.config.ROTATE_WAIT_MAX_MS)
  const { rotation, replayed } = await rotationRequests.request({ ...req, idempotencyKey, requestId: request.id, sourceIp: request.ip }, locationBase)
  if (request.raw.socket.destroyed) clientGone.abort()
  const waited = TERMINAL_STATUSES.includes(rotation.status)
    ? rotation
    : await rotationRequests.waitForOutcome(rotation, waitMs, clientGone.signal)
  // Idempotent-Replay is the name the upstream SDK reads; Idempotent-Replayed is kept for existing clients.
  if (replayed) reply.header('idempotent-replay', 'true').header('idempotent-replayed', 'true')
  reply.header('location', `${locationBase}/${waited.id}`)
  return { waited, replayed, clientGone: clientGone.signal.aborted, asyncAsked: prefersAsync(request.headers.prefer) }
}

export function requestActor (request: FastifyRequest): Actor {
  return request.operator
    ? { actorType: 'operator', actor: request.operator.name, requestId: request.id, sourceIp: request.ip }
    : { actorType: 'customer', actor: request.apiKey.id, requestId: request.id, sourceIp: request.ip }
}

/**
 * The held secret for a response about to carry it. It counts as delivered only once that response
 * was completely written to a connection still open (Node's `finish`; a hang-up before that emits
 * `close` alone), so the redelivery grace and the delivered rule start from a real delivery.
 */
export function revealForResponse (heldSecrets: HeldSecrets, request: FastifyRequest, reply: FastifyReply, row: RotationRow) {
  const secret = heldSecrets.reveal(row)
  if (secret === null) return null
  const actor = requestActor(request)
  reply.raw.once('finish', () => {
    // An error answer sent instead (a serialization failure) did not carry the secret.
    if (reply.raw.statusCode !== 200) return
    heldSecrets.markDelivered(row, actor).catch((err: unknown) => request.log.error({ err, rotationId: row.id }, 'could not record a delivered secret'))
  })
  return secret
}

/** A refused rotation as the problem that refused it. */
export function refusalError (row: RotationRow) {
  const code = row.errorCode !== null && isErrorCode(row.errorCode) ? row.errorCode : 'INTERNAL_ERROR'
  return new AppError(code, row.errorDetail ?? 'The rotation failed.', { extensions: { rotationId: row.id } })
}

/** Loads a rotation (as this key sees it, or any for operators), after making any lapsed hold final. */
export async function loadRotation (deps: OutcomeDeps, id: string, apiKeyId: string | null) {
  const row = await findRotation(deps.pool, id, apiKeyId, deps.config.IDEMPOTENCY_RETENTION_SECONDS)
  return row && settled(deps, row)
}

/** The row as read, or, if its hold lapsed, again after that was made final (erased and audited), so it says when and why. */
async function settled (deps: OutcomeDeps, row: RotationRow) {
  if (!row.holdLapsed) return row
  await deps.heldSecrets.settle({ rotationId: row.id })
  return (await findRotation(deps.pool, row.id, row.apiKeyId, deps.config.IDEMPOTENCY_RETENTION_SECONDS)) ?? row
}

export function noSecretHeld (row: RotationRow) {
  const when = row.secretErasedAt?.toISOString() ?? 'earlier'
  const why = { acknowledged: 'it was acknowledged', redelivery_grace_elapsed: 'the redelivery grace after its first delivery ran out', hold_expired: 'the hold ran out before it was fetched', superseded_undelivered: 'a later rotation discarded it, never delivered, keeping your previous secret', key_revoked: 'the key was revoked' }[row.secretErasedReason ?? 'hold_expired']
  return new AppError('WEBHOOK_SECRET_NO_LONGER_HELD',
    `Rotation ${row.id} succeeded at ${row.rotatedAt?.toISOString()}, and its new secret is in force, but the service erased its copy at ${when} because ${why}. ` +
    'Do not rotate again: that would push a secret you never stored into the rollback slot. If you lost it, ask an operator for a recovery rotation.',
    { extensions: { rotationId: row.id, secretErasedAt: row.secretErasedAt?.toISOString() ?? null, secretErasedReason: row.secretErasedReason } })
}

// A rotate without an Idempotency-Key is still a rotation (the contract allows it), but its
// answer says that it cannot be replayed: the hint is in the text a person reads, no schema changes.
const KEYLESS_NOTE = ' This request had no Idempotency-Key, so it cannot be replayed: had this response been lost, sending it again would have started another rotation. Send an Idempotency-Key with every rotate.'

const keyless = (request: FastifyRequest) => request.headers['idempotency-key'] === undefined

/** Without `Prefer`, rotate never answers 202: a client that cannot read a 202 (the upstream SDK) retries this with the same key. */
export function rotationInProgress (row: RotationRow, locationBase: string, withoutKey = false) {
  return new AppError('ROTATION_IN_PROGRESS',
    withoutKey
      ? `Rotation ${row.id} is accepted and not finished yet. Poll the Location URL for its secret; do not send this request again: it had no Idempotency-Key, so it would start another rotation.`
      : `Rotation ${row.id} is accepted and not finished yet. Retry this request with the same Idempotency-Key (or poll the Location URL) for its secret; do not start a new rotation.`,
    { headers: { 'retry-after': '1', location: `${locationBase}/${row.id}` }, extensions: { rotationId: row.id } })
}

/**
 * Answers a rotate request (or its replay) with the rotation as it stands: 200 with the secret;
 * while it runs 202 when `Prefer` asked for it, else 503 ROTATION_IN_PROGRESS; or the problem that refused it.
 */
export async function sendRotateOutcome (
  deps: OutcomeDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  waited: RotationRow,
  opts: { replayed: boolean; locationBase: string; clientGone: boolean; asyncAsked: boolean }
) {
  const metaOptions: MetaOptions = opts.replayed ? { idempotent: true } : {}

  if (waited.status === 'rejected') {
    const gate = await readRotationGate(deps.pool, waited.apiKeyId, deps.config.ROTATION_COOLDOWN_SECONDS)
    throw cooldownError(gate, opts.locationBase)
  }
  if (waited.status === 'failed') throw refusalError(waited)
  // A client that hung up gets nothing (a response to a closed connection is never `finish`ed anyway).
  if (waited.status === 'succeeded' && !opts.clientGone) {
    // `waited` was read during this request (with the key, or when its commit was announced).
    const row = await settled(deps, waited)
    // A rotation of a key that signs with v1a made a key pair: its public key can be answered any
    // number of times. With v1a alone nothing secret was ever held, so there is no secret to lose.
    const keyPair = await findSigningKeyByRotation(deps.pool, row)
    const secretOnly = keyPair === undefined || row.secretErasedAt !== null || row.heldSecret !== null
    const secret = secretOnly ? revealForResponse(deps.heldSecrets, request, reply, row) : null
    if (secret === null && secretOnly) throw noSecretHeld(row)
    const webhookSecret = {
      secret,
      rotatedAt: row.rotatedAt!.toISOString(),
      // No previous slot (expired by an operator, then an undelivered secret discarded): it is retained until now, not at all.
      previousRetainedUntil: (row.previousRetainedUntil ?? row.rotatedAt!).toISOString(),
      rotationId: row.id,
      ...(keyPair ? { signingKey: toPublicKeyResource(keyPair) } : {}),
    }
    return reply.code(200).send(envelope(request, 'webhookSecret', webhookSecret, {
      ...metaOptions,
      message: (secret === null
        ? 'Signing key rotated. Its public key (signingKey) is in the JWKS and in GET …/webhook-secret at any time; the previous key pair keeps signing until its window ends. Nothing secret is handed over, so there is nothing to acknowledge.'
        : 'Webhook secret rotated. Store the new secret, then acknowledge the rotation; the previous secret stays valid until previousRetainedUntil.') +
        (keyless(request) ? KEYLESS_NOTE : ''),
    }))
  }
  if (!opts.asyncAsked) throw rotationInProgress(waited, opts.locationBase, keyless(request))
  reply.header('retry-after', '1')
  return reply.code(202).send(envelope(request, 'rotation', toRotationResource(waited), {
    ...metaOptions,
    message: keyless(request)
      ? 'Rotation accepted and not finished yet. Poll the Location URL for the new secret.' + KEYLESS_NOTE
      : 'Rotation accepted and not finished yet. Poll the Location URL (or replay this request with the same Idempotency-Key) for the new secret.',
  }))
}
