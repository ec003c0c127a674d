import { randomUUID } from 'node:crypto'
import { parseArgs } from 'node:util'
import { createSecretBox } from '../crypto/secret-box.js'
import { findApiKeyForOperator } from '../db/api-keys-repository.js'
import { findRotation, isCustomersRotation, TERMINAL_STATUSES, type RotationKind } from '../db/rotations-repository.js'
import { keyRevokedError } from '../domain/api-keys.js'
import { createHeldSecrets, type Actor } from '../domain/held-secrets.js'
import { createRotationRequests } from '../domain/rotation-requests.js'
import { AppError } from '../errors/app-error.js'
import { isErrorCode } from '../errors/catalogue.js'
import { parseIdempotencyKey } from '../http/request-headers.js'
import { createLogger } from '../logging/logger.js'
import { enqueueRotation } from '../queue/rotation-queue.js'
import { withTimeout } from '../util/with-timeout.js'
import { invalid, Refusal, UsageError, UUID, type AdminDeps } from './admin-common.js'
import { operatorName } from './admin-operators.js'
import { acknowledgedJson, actionRotationJson, formatAcknowledged, formatActionDone, formatActionPending } from './format-actions.js'

/** Where the HTTP routes point for operator rotations; the rotation requests use it in cooldown links. */
const ADMIN_ROTATIONS_PATH = '/v1/admin/rotations'
const DEFAULT_WAIT_MS = 30_000
const ENQUEUE_TIMEOUT_MS = 2000

export const ACTION_KINDS: Readonly<Record<string, RotationKind>> = {
  rollback: 'operator_rollback',
  recover: 'operator_recover',
  'expire-previous': 'operator_expire_previous',
}

export type ActionCommand =
  | { name: 'action'; json: boolean; kind: RotationKind; keyId: string; reason: string; operator: string | null; idempotencyKey: string | null; secretVersion: number | null }
  | { name: 'acknowledge'; json: boolean; rotationId: string; operator: string | null }

function oneId (positionals: string[], what: string, usage: string) {
  if (positionals.length !== 1) throw new UsageError(`${usage} takes exactly one ${what} id`)
  const id = positionals[0]!
  // A malformed id is reported like an unknown one, without echoing it (it may be a pasted secret).
  if (!UUID.test(id)) throw new Refusal('RESOURCE_NOT_FOUND', `No ${what} with that id (ids are UUIDs).`)
  return id.toLowerCase()
}

/** `keys rollback | recover | expire-previous <keyId>` and `rotations acknowledge <rotationId>`. */
export function parseActionCommand (group: 'keys' | 'rotations', sub: string, rest: string[]): ActionCommand | 'help' {
  const { values, positionals } = parseArgs({
    args: rest,
    strict: true,
    allowPositionals: true,
    options: {
      ...(group === 'keys' ? { reason: { type: 'string' }, 'idempotency-key': { type: 'string' }, 'secret-version': { type: 'string' } } as const : {}),
      operator: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) return 'help'
  const json = values.json === true
  const operator = values.operator === undefined ? null : operatorName(values.operator, '--operator')
  if (group === 'rotations') return { name: 'acknowledge', json, operator, rotationId: oneId(positionals, 'rotation', 'rotations acknowledge') }

  const rawReason = (values as { reason?: string }).reason
  const reason = rawReason?.trim() ?? ''
  if (reason === '') throw invalid('--reason is required: say why (it is recorded in the audit trail)')
  if (reason.length > 500) throw invalid(`--reason is ${reason.length} characters; at most 500 are allowed`)
  const keyId = oneId(positionals, 'API key', `keys ${sub}`)
  const idempotencyKey = parseIdempotencyKey((values as { 'idempotency-key'?: string })['idempotency-key'])
  const secretVersion = parseSecretVersion(sub, (values as { 'secret-version'?: string })['secret-version'])
  return { name: 'action', json, kind: ACTION_KINDS[sub]!, keyId, reason, operator, idempotencyKey, secretVersion }
}

/** `--secret-version N`: rollback and expire-previous may name one earlier secret (see the key's signing secrets). */
function parseSecretVersion (sub: string, raw: string | undefined): number | null {
  if (raw === undefined) return null
  if (sub === 'recover') throw invalid('--secret-version goes with rollback and expire-previous, not recover')
  if (!/^\d{1,9}$/.test(raw)) throw invalid(`--secret-version must be a whole number, not ${JSON.stringify(raw)}`)
  return Number(raw)
}

type Out = (human: string, data: unknown) => void

/** Runs an operator action through the worker, exactly like POST /v1/admin/api-keys/{id}/webhook-secret/…. */
export async function runActionCommand (cmd: ActionCommand, deps: AdminDeps, out: Out, defaultActor: string): Promise<number> {
  const { pool, config } = deps
  const actor: Actor = { actorType: 'operator', actor: cmd.operator ?? defaultActor, requestId: `cli-${randomUUID()}`, sourceIp: null }
  const heldSecrets = createHeldSecrets({ pool, config, secretBox: createSecretBox(config.SECRET_ENCRYPTION_KEYS) })
  const load = async (id: string) => {
    await heldSecrets.settle({ rotationId: id })
    return findRotation(pool, id, null, config.IDEMPOTENCY_RETENTION_SECONDS)
  }

  if (cmd.name === 'acknowledge') {
    const row = await findRotation(pool, cmd.rotationId, null, config.IDEMPOTENCY_RETENTION_SECONDS)
    if (!row || isCustomersRotation(row.kind)) throw new Refusal('RESOURCE_NOT_FOUND', `No operator rotation with id ${cmd.rotationId}.`)
    if (!TERMINAL_STATUSES.includes(row.status)) throw new Refusal('ROTATION_NOT_FINISHED', `Rotation ${row.id} is still ${row.status}; it has no secret to acknowledge yet.`)
    const erased = await heldSecrets.acknowledge(row, actor)
    const after = (await load(row.id)) ?? row
    out(formatAcknowledged(after, erased), acknowledgedJson(after, erased))
    return 0
  }

  const queues = deps.queues
  if (!queues) throw new Error('operator actions need the rotation queue (Redis), and none was given')
  const key = await findApiKeyForOperator(pool, cmd.keyId, config.ROTATION_COOLDOWN_SECONDS)
  if (!key) throw new Refusal('RESOURCE_NOT_FOUND', `No API key with id ${cmd.keyId}.`)
  if (key.revokedAt !== null) throw keyRevokedError({ id: key.id, revokedAt: key.revokedAt })
  let enqueueFailed = false
  const requests = createRotationRequests({
    pool,
    config,
    log: createLogger('silent'),
    enqueue: async (id) => {
      try {
        await withTimeout(enqueueRotation(queues.rotations, id), ENQUEUE_TIMEOUT_MS)
      } catch (err) {
        enqueueFailed = true // the rotation stays queued in Postgres; the reconciler adds the job
        throw err
      }
    },
  })
  const { rotation, replayed } = await requests.request({
    apiKeyId: cmd.keyId,
    kind: cmd.kind,
    idempotencyKey: cmd.idempotencyKey,
    reason: cmd.reason,
    targetSecretVersion: cmd.secretVersion,
    actor: actor.actor,
    requestId: actor.requestId!,
    sourceIp: null,
  }, ADMIN_ROTATIONS_PATH)
  const waitMs = deps.actionWaitMs ?? DEFAULT_WAIT_MS
  const waited = TERMINAL_STATUSES.includes(rotation.status)
    ? rotation
    : await requests.waitForOutcome(rotation, waitMs, new AbortController().signal)

  if (waited.status === 'failed' || waited.status === 'rejected') {
    const code = waited.errorCode !== null && isErrorCode(waited.errorCode) ? waited.errorCode : 'INTERNAL_ERROR'
    throw new Refusal(code, `${waited.errorDetail ?? 'The action failed.'} (rotation ${waited.id})`)
  }
  if (waited.status !== 'succeeded') {
    const note = formatActionPending(waited, { waitedMs: waitMs, idempotencyKey: cmd.idempotencyKey, enqueueFailed })
    out(note, { rotation: actionRotationJson(waited, null) })
    if (cmd.json) deps.stderr(note) // stdout stays one JSON document
    return 0
  }
  const row = (await load(waited.id)) ?? waited
  const secret = row.kind === 'operator_recover' ? heldSecrets.reveal(row) : null
  out(formatActionDone(row, secret, replayed), { rotation: actionRotationJson(row, secret) })
  // Printed to the operator: that is its delivery (the delivered rule).
  if (secret !== null) await heldSecrets.markDelivered(row, actor)
  return 0
}

/** Problems the domain throws (idempotency, webhook not configured) are refusals like any other. */
export function asRefusal (err: unknown): Refusal | undefined {
  if (err instanceof Refusal) return err
  if (err instanceof AppError) return new Refusal(err.code, err.message)
  return undefined
}
