import { KEY_FOR_ROTATION_FIELDS, keyForRotationColumns, type ApiKeyForRotation } from './api-keys-repository.js'
import type { Queryable } from './pool.js'
import { fromSigningSecretJson, lockedSigningSecretsJson, type RetainedSecret } from './retained-secrets-repository.js'
import { columns, type RotationRow } from './rotations-repository.js'

export interface LockedRotation {
  rotation: RotationRow
  key: ApiKeyForRotation
  /** Whether the rotation that produced the key's current secret delivered it; null when no rotation did (issued with the key, or restored). */
  currentSecretDelivered: boolean | null
  /** Whether its requester acknowledged it; null as above (such a secret counts as confirmed). */
  currentSecretConfirmed: boolean | null
  /** The key's retained secrets in their window, newest first, locked. */
  retained: RetainedSecret[]
}

// The key's columns come back as "key.<field>", as rotations have fields of the same names.
const KEY_AS_PREFIXED = KEY_FOR_ROTATION_FIELDS.map((f) => `k."${f}" as "key.${f}"`).join(', ')

/**
 * The rotation rule's locks, in one statement and in this order: the rotation, its key row (every
 * change of a key's secrets is serialised here; see lockApiKeyForRotation for why NO KEY UPDATE),
 * the rotation whose secret is current, whose delivery decides the delivered rule, and the key's
 * retained secrets in their window.
 * Undefined when no such rotation exists.
 */
export async function lockRotationWithKey (q: Queryable, rotationId: string, o: { cooldownSeconds: number; retentionSeconds: number }): Promise<LockedRotation | undefined> {
  const { rows } = await q.query<RotationRow & Record<string, unknown> & { currentSecretDelivered: boolean | null; currentSecretConfirmed: boolean | null; retained: Parameters<typeof fromSigningSecretJson>[0][] }>({
    name: 'lock-rotation-with-key',
    text: `select r.*, ${KEY_AS_PREFIXED}, s.delivered as "currentSecretDelivered", s.confirmed as "currentSecretConfirmed",
            ${lockedSigningSecretsJson('k.id')} as retained
     from (select ${columns(2)} from webhook_secret_rotations where id = $1::uuid for update) r
     cross join lateral (select ${keyForRotationColumns('$3')} from api_keys where id = r."apiKeyId" for no key update) k
     left join lateral (select secret_first_delivered_at is not null as delivered, secret_confirmed_at is not null as confirmed
                        from webhook_secret_rotations
                        where id = k."currentSecretRotationId" for update) s on true`,
    values: [rotationId, o.retentionSeconds, o.cooldownSeconds],
  })
  const row = rows[0]
  if (!row) return undefined
  const key = Object.fromEntries(KEY_FOR_ROTATION_FIELDS.map((f) => [f, row[`key.${f}`]])) as unknown as ApiKeyForRotation
  const { currentSecretDelivered, currentSecretConfirmed, retained, ...rest } = row
  for (const f of KEY_FOR_ROTATION_FIELDS) delete rest[`key.${f}`]
  return { rotation: rest as RotationRow, key, currentSecretDelivered, currentSecretConfirmed, retained: retained.map(fromSigningSecretJson) }
}
