import { previousRetainedUntilSql } from './retained-secrets-repository.js'
import type { Queryable } from './pool.js'
import type { SigningScheme } from './signing-keys-repository.js'

export interface ApiKeyAuthRow {
  id: string
  ownerId: string
  env: 'live' | 'test'
  scopes: string[]
  ipAllowlist: string[]
  revoked: boolean
  expired: boolean
}

export interface ApiKeyForRotation {
  id: string
  webhookUrl: string | null
  webhookSecret: string | null
  secretVersion: number
  revoked: boolean
  cooldownEndsAt: Date | null
  cooldownActive: boolean
  lastRotationId: string | null
  /** The rotation that produced the current secret; null for the secret issued with the key or restored by a rollback. */
  currentSecretRotationId: string | null
  /** What deliveries are signed with: the `whsec_` secrets, the ed25519 key pairs, or both. */
  signingScheme: SigningScheme
}

export interface NewApiKey {
  id: string
  ownerId: string
  env: 'live' | 'test'
  keyPrefix: string
  keyHash: Buffer
  scopes: string[]
  ipAllowlist: string[]
  webhookUrl: string | null
  /** Encrypted first secret; null exactly when there is no webhook URL. */
  webhookSecret: string | null
  expiresAt: Date | null
}

export async function insertApiKey (q: Queryable, key: NewApiKey): Promise<string> {
  const { rows } = await q.query<{ id: string }>(
    `insert into api_keys
       (id, owner_id, env, key_prefix, key_hash, scopes, ip_allowlist, webhook_url, webhook_secret, secret_version, expires_at)
     values ($1::uuid, $2::text, $3::text, $4::text, $5::bytea, $6::text[], $7::cidr[], $8::text, $9::text,
             case when $9::text is null then 0 else 1 end, $10::timestamptz)
     returning id`,
    [key.id, key.ownerId, key.env, key.keyPrefix, key.keyHash, key.scopes, key.ipAllowlist, key.webhookUrl, key.webhookSecret, key.expiresAt]
  )
  return rows[0]!.id
}

/** What authenticating a key needs, found by its hash in `$1`. */
export const API_KEY_AUTH_QUERY =
    `select id, owner_id as "ownerId", env, scopes, ip_allowlist::text[] as "ipAllowlist",
            revoked_at is not null as revoked,
            coalesce(expires_at <= now(), false) as expired
     from api_keys where key_hash = $1::bytea`

export async function findApiKeyByHash (q: Queryable, keyHash: Buffer): Promise<ApiKeyAuthRow | undefined> {
  // Named: prepared once per connection, as every request runs it.
  const { rows } = await q.query<ApiKeyAuthRow>({ name: 'find-api-key-by-hash', text: API_KEY_AUTH_QUERY, values: [keyHash] })
  return rows[0]
}

/**
 * Locks the key row: every change of a key's secrets is serialised here. NO KEY UPDATE, not
 * UPDATE: it still excludes another rotation of the key, but lets a concurrent insert that
 * references the key (an audit event's foreign key takes KEY SHARE) proceed. With FOR UPDATE, a
 * delivery mark (locks the source rotation, then inserts its audit event) and this rule (holds the
 * key, then locks that source rotation) deadlocked under load.
 */
export async function lockApiKeyForRotation (q: Queryable, id: string, cooldownSeconds: number): Promise<ApiKeyForRotation> {
  const { rows } = await q.query<ApiKeyForRotation>({
    name: 'lock-api-key-for-rotation',
    text: `select ${keyForRotationColumns('$2')} from api_keys where id = $1::uuid for no key update`,
    values: [id, cooldownSeconds],
  })
  if (!rows[0]) throw new Error(`api key ${id} vanished`)
  return rows[0]
}

/** The columns of an ApiKeyForRotation over api_keys, with the cooldown seconds in `cooldown` (a `$n`). */
export function keyForRotationColumns (cooldown: string) {
  return `id, webhook_url as "webhookUrl", webhook_secret as "webhookSecret",
          secret_version as "secretVersion", revoked_at is not null as revoked,
          secret_rotated_at + make_interval(secs => ${cooldown}::int) as "cooldownEndsAt",
          coalesce(secret_rotated_at + make_interval(secs => ${cooldown}::int) > now(), false) as "cooldownActive",
          last_rotation_id as "lastRotationId",
          current_secret_rotation_id as "currentSecretRotationId",
          signing_scheme as "signingScheme"`
}

export const KEY_FOR_ROTATION_FIELDS = [
  'id', 'webhookUrl', 'webhookSecret', 'secretVersion',
  'revoked', 'cooldownEndsAt', 'cooldownActive', 'lastRotationId', 'currentSecretRotationId', 'signingScheme',
] as const satisfies readonly (keyof ApiKeyForRotation)[]

export interface SecretSlots {
  /** Encrypted current secret. */
  current: string
  /** A rotation (customer or recovery) starts the cooldown and bumps the version; other changes say so. */
  startsCooldown: boolean
  bumpsVersion: boolean
  /** Where the current secret comes from: this rotation's new secret, a restored retained one, or unchanged. */
  currentSource: 'this-rotation' | 'restored' | 'unchanged'
  rotationId: string
}

/**
 * Writes a key's current secret; the caller holds the row lock (lockApiKeyForRotation) and has
 * already changed its retained secrets, so the returned previousRetainedUntil is the one after.
 */
export async function writeSecretSlots (q: Queryable, id: string, slots: SecretSlots) {
  const { rows } = await q.query<{ rotatedAt: Date; previousRetainedUntil: Date | null; secretVersion: number }>({
    name: 'write-secret-slots',
    text: `update api_keys
     set webhook_secret = $2::text,
         secret_rotated_at = case when $3::boolean then now() else secret_rotated_at end,
         last_rotation_id = case when $3::boolean then $4::uuid else last_rotation_id end,
         secret_version = secret_version + case when $5::boolean then 1 else 0 end,
         current_secret_rotation_id = case $6::text when 'this-rotation' then $4::uuid
                                                    when 'restored' then null
                                                    else current_secret_rotation_id end
     where id = $1::uuid
     returning now() as "rotatedAt", ${previousRetainedUntilSql('$1::uuid')} as "previousRetainedUntil",
               secret_version as "secretVersion"`,
    values: [id, slots.current, slots.startsCooldown, slots.rotationId, slots.bumpsVersion, slots.currentSource],
  })
  return rows[0]!
}

export interface RotationGate {
  webhookConfigured: boolean
  cooldownActive: boolean
  /** Whole seconds until the cooldown ends, at least 1. */
  retryAfterSeconds: number
  /** The rotation whose success started the cooldown. */
  lastRotationId: string | null
  /** Whether that rotation's new secret is still held and can be fetched instead of rotating again. */
  secretRecoverable: boolean
  /** Whether the key's current secret reached its requester (the delivered rule): false means the next rotation discards it. */
  currentSecretDelivered: boolean
  /** The key signs with ed25519 key pairs alone: a rotation hands over nothing secret, so nothing can be lost. */
  publicKeysOnly: boolean
}

/**
 * The gate of the key whose id is the SQL `keyId`, with the cooldown seconds in `cooldown` (a `$n`).
 * Retry-After counts from clock_timestamp(): when this runs in a transaction that waited on the
 * winning rotation's lock, now() is older than that rotation's own now(), and would give 61 s.
 */
export function rotationGateQuery (keyId: string, cooldown: string) {
  return `select k.webhook_secret is not null as "webhookConfigured",
            coalesce(k.secret_rotated_at + make_interval(secs => ${cooldown}::int) > now(), false) as "cooldownActive",
            least(${cooldown}::int, greatest(1, ceil(extract(epoch from
              k.secret_rotated_at + make_interval(secs => ${cooldown}::int) - clock_timestamp()))))::int
              as "retryAfterSeconds",
            k.last_rotation_id as "lastRotationId",
            coalesce(r.held_secret is not null and r.secret_available_until > now(), false) as "secretRecoverable",
            (k.current_secret_rotation_id is null or c.secret_first_delivered_at is not null) as "currentSecretDelivered",
            k.signing_scheme = 'asymmetric' as "publicKeysOnly"
     from api_keys k
     left join webhook_secret_rotations r on r.id = k.last_rotation_id
     left join webhook_secret_rotations c on c.id = k.current_secret_rotation_id
     where k.id = ${keyId}`
}

/** What decides whether a new rotation may start, read without locks (the API's fast path). */
export async function readRotationGate (q: Queryable, id: string, cooldownSeconds: number): Promise<RotationGate> {
  const { rows } = await q.query<RotationGate>(rotationGateQuery('$1::uuid', '$2'), [id, cooldownSeconds])
  return rows[0]!
}

// Confirmed: issued with the key or restored (no rotation produced it), or its rotation was acknowledged.
const CURRENT_CONFIRMED = `coalesce((select r.secret_confirmed_at is not null from webhook_secret_rotations r
                                      where r.id = api_keys.current_secret_rotation_id), true)`

export interface WebhookSecretMetadata {
  secretVersion: number
  rotatedAt: Date | null
  previousRetainedUntil: Date | null
  cooldownEndsAt: Date | null
  webhookUrl: string | null
  /** The current secret was issued with the key, restored, or acknowledged. */
  currentConfirmed: boolean
}

export async function readWebhookSecretMetadata (q: Queryable, id: string, cooldownSeconds: number): Promise<WebhookSecretMetadata> {
  const { rows } = await q.query<WebhookSecretMetadata>(
    `select secret_version as "secretVersion", secret_rotated_at as "rotatedAt",
            ${previousRetainedUntilSql('api_keys.id')} as "previousRetainedUntil",
            case when secret_rotated_at + make_interval(secs => $2::int) > now()
                 then secret_rotated_at + make_interval(secs => $2::int) end as "cooldownEndsAt",
            webhook_url as "webhookUrl",
            ${CURRENT_CONFIRMED} as "currentConfirmed"
     from api_keys where id = $1::uuid`,
    [id, cooldownSeconds]
  )
  return rows[0]!
}

export interface ApiKeyListRow {
  id: string
  ownerId: string
  env: string
  keyPrefix: string
  scopes: string[]
  ipAllowlist: string[]
  webhookUrl: string | null
  secretVersion: number
  createdAt: Date
  expiresAt: Date | null
  revokedAt: Date | null
}

export async function listApiKeys (q: Queryable): Promise<ApiKeyListRow[]> {
  const { rows } = await q.query<ApiKeyListRow>(
    `select id, owner_id as "ownerId", env, key_prefix as "keyPrefix", scopes,
            ip_allowlist::text[] as "ipAllowlist", webhook_url as "webhookUrl",
            secret_version as "secretVersion", created_at as "createdAt",
            expires_at as "expiresAt", revoked_at as "revokedAt"
     from api_keys order by created_at desc, id desc`
  )
  return rows
}

/** Revocation is irreversible; revoking again keeps the first time and says so. */
export async function revokeApiKey (q: Queryable, id: string): Promise<{ revokedAt: Date; alreadyRevoked: boolean } | undefined> {
  // FOR UPDATE waits for a concurrent revoke and then reads its result, so exactly one call
  // reports a fresh revocation however they interleave.
  const { rows } = await q.query<{ revokedAt: Date; alreadyRevoked: boolean }>(
    `update api_keys k set revoked_at = coalesce(old.revoked_at, now())
     from (select id, revoked_at from api_keys where id = $1::uuid for update) old
     where k.id = old.id
     returning k.revoked_at as "revokedAt", old.revoked_at is not null as "alreadyRevoked"`,
    [id]
  )
  return rows[0]
}

export interface ApiKeyOperatorView extends ApiKeyListRow {
  rotatedAt: Date | null
  previousRetainedUntil: Date | null
  previousHeld: boolean
  currentConfirmed: boolean
  cooldownEndsAt: Date | null
}

/** A key as operators see it: metadata and secret versions, never a secret. */
export async function findApiKeyForOperator (q: Queryable, id: string, cooldownSeconds: number): Promise<ApiKeyOperatorView | undefined> {
  const { rows } = await q.query<ApiKeyOperatorView>(
    `select id, owner_id as "ownerId", env, key_prefix as "keyPrefix", scopes,
            ip_allowlist::text[] as "ipAllowlist", webhook_url as "webhookUrl",
            secret_version as "secretVersion", created_at as "createdAt",
            expires_at as "expiresAt", revoked_at as "revokedAt", secret_rotated_at as "rotatedAt",
            ${previousRetainedUntilSql('api_keys.id')} as "previousRetainedUntil",
            ${previousRetainedUntilSql('api_keys.id')} is not null as "previousHeld",
            ${CURRENT_CONFIRMED} as "currentConfirmed",
            case when secret_rotated_at + make_interval(secs => $2::int) > now()
                 then secret_rotated_at + make_interval(secs => $2::int) end as "cooldownEndsAt"
     from api_keys where id = $1::uuid`,
    [id, cooldownSeconds]
  )
  return rows[0]
}
