import { API_KEY_AUTH_QUERY, rotationGateQuery, type ApiKeyAuthRow, type RotationGate } from './api-keys-repository.js'
import type { Queryable } from './pool.js'
import { columns, type RotationRow } from './rotations-repository.js'

export interface RotationRequestState {
  gate: RotationGate
  /** The rotation this key's Idempotency-Key already names (a replay), if any. */
  existing: RotationRow | undefined
}

type Nullable<T> = { [K in keyof T]: T[K] | null }
type StateRow = Omit<RotationGate, 'retryAfterSeconds'> & { gateRetryAfterSeconds: number } & Nullable<RotationRow>

// Over a key row `a`: its gate, and the rotation named by the Idempotency-Key in $3 ($2 cooldown, $4 retention).
const STATE_COLUMNS = 'g."webhookConfigured", g."cooldownActive", g."retryAfterSeconds" as "gateRetryAfterSeconds", g."lastRotationId", g."secretRecoverable", g."currentSecretDelivered", g."publicKeysOnly", i.*'
const STATE_JOINS = `
  cross join lateral (${rotationGateQuery('a.id', '$2')}) g
  left join lateral (
    select ${columns(4)} from webhook_secret_rotations
    where api_key_id = a.id and idempotency_key = $3::text and status <> 'rejected'
  ) i on true`

function toState ({ webhookConfigured, cooldownActive, gateRetryAfterSeconds, lastRotationId, secretRecoverable, currentSecretDelivered, publicKeysOnly, ...rotation }: StateRow): RotationRequestState {
  return {
    gate: { webhookConfigured, cooldownActive, retryAfterSeconds: gateRetryAfterSeconds, lastRotationId, secretRecoverable, currentSecretDelivered, publicKeysOnly },
    existing: rotation.id === null ? undefined : rotation as RotationRow,
  }
}

export interface StateOptions { cooldownSeconds: number; retentionSeconds: number }

/** What a rotation request needs to decide, in one round trip: the key's gate and the rotation its Idempotency-Key names. */
export async function readRotationRequestState (q: Queryable, apiKeyId: string, idempotencyKey: string | null, o: StateOptions) {
  const { rows } = await q.query<StateRow>({
    name: 'read-rotation-request-state',
    text: `select ${STATE_COLUMNS} from (select $1::uuid as id) a ${STATE_JOINS}`,
    values: [apiKeyId, o.cooldownSeconds, idempotencyKey, o.retentionSeconds],
  })
  return toState(rows[0]!)
}

/**
 * The rotate route's one statement before it decides: the key by its hash (authentication), its
 * gate and the rotation its Idempotency-Key names. Undefined when no key has that hash.
 */
export async function readKeyAndRotationRequestState (q: Queryable, keyHash: Buffer, idempotencyKey: string | null, o: StateOptions) {
  const { rows } = await q.query<{ keyId: string } & Omit<ApiKeyAuthRow, 'id'> & StateRow>({
    name: 'read-key-and-rotation-request-state',
    text: `select a.id as "keyId", a."ownerId", a.env, a.scopes, a."ipAllowlist", a.revoked, a.expired, ${STATE_COLUMNS}
           from (${API_KEY_AUTH_QUERY}) a ${STATE_JOINS}`,
    values: [keyHash, o.cooldownSeconds, idempotencyKey, o.retentionSeconds],
  })
  if (!rows[0]) return undefined
  const { keyId, ownerId, env, scopes, ipAllowlist, revoked, expired, ...state } = rows[0]
  return { key: { id: keyId, ownerId, env, scopes, ipAllowlist, revoked, expired } as ApiKeyAuthRow, state: toState(state) }
}
