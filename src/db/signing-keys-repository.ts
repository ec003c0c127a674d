import type { Queryable } from './pool.js'

export type SigningScheme = 'symmetric' | 'asymmetric' | 'both'
export type SigningKeyEndReason = 'window_passed' | 'expired_by_operator' | 'bound' | 'key_revoked'

/** An asymmetric key pair as anyone may see it: never its private key. */
export interface PublicSigningKey {
  keyVersion: number
  kid: string
  publicKey: string
  current: boolean
  createdAt: Date
  /** When it stops signing; null for the current key pair. */
  retainedUntil: Date | null
}

const PUBLIC_COLUMNS = `key_version as "keyVersion", kid, public_key as "publicKey", retained_until is null as current,
  created_at as "createdAt", retained_until as "retainedUntil"`
/** Key pairs that sign now: the current one and the retained ones in their window (Postgres time). */
const IN_FORCE = 'private_key is not null and (retained_until is null or retained_until > now())'

/** The next version for a new key pair of this key; the caller holds the key row's lock. */
export async function nextKeyVersion (q: Queryable, apiKeyId: string): Promise<number> {
  const { rows } = await q.query<{ v: number }>(
    'select coalesce(max(key_version), 0) + 1 as v from webhook_signing_keys where api_key_id = $1::uuid', [apiKeyId])
  return rows[0]!.v
}

export interface NewSigningKey { keyVersion: number; kid: string; publicKey: string; privateKey: string; rotationId: string | null }

export async function insertSigningKey (q: Queryable, apiKeyId: string, k: NewSigningKey): Promise<PublicSigningKey> {
  const { rows } = await q.query<PublicSigningKey>(
    `insert into webhook_signing_keys (api_key_id, key_version, kid, public_key, private_key, rotation_id)
     values ($1::uuid, $2::int, $3::text, $4::text, $5::text, $6::uuid)
     returning ${PUBLIC_COLUMNS}`,
    [apiKeyId, k.keyVersion, k.kid, k.publicKey, k.privateKey, k.rotationId])
  return rows[0]!
}

/** The current key pair starts its own window; returns its version, or null when there is none. */
export async function retainCurrentSigningKey (q: Queryable, apiKeyId: string, windowSeconds: number): Promise<number | null> {
  const { rows } = await q.query<{ keyVersion: number }>(
    `update webhook_signing_keys set retained_since = now(), retained_until = now() + make_interval(secs => $2::int)
     where api_key_id = $1::uuid and retained_until is null and ended_at is null
     returning key_version as "keyVersion"`,
    [apiKeyId, windowSeconds])
  return rows[0]?.keyVersion ?? null
}

/** The retained key pairs still in their window, newest first, locked (the rule holds the key row). */
export async function lockRetainedSigningKeys (q: Queryable, apiKeyId: string): Promise<number[]> {
  const { rows } = await q.query<{ keyVersion: number }>(
    `select key_version as "keyVersion" from webhook_signing_keys
     where api_key_id = $1::uuid and retained_until is not null and ${IN_FORCE}
     order by key_version desc for update`,
    [apiKeyId])
  return rows.map((r) => r.keyVersion)
}

/** These retained key pairs (all of them when `versions` is null) stop signing now: their private keys are erased. */
export async function endSigningKeys (q: Queryable, apiKeyId: string, versions: number[] | null, reason: SigningKeyEndReason): Promise<number[]> {
  const { rows } = await q.query<{ keyVersion: number }>(
    `update webhook_signing_keys set private_key = null, ended_at = now(), ended_reason = $3::text
     where api_key_id = $1::uuid and retained_until is not null and private_key is not null
       and ($2::int[] is null or key_version = any($2::int[]))
     returning key_version as "keyVersion"`,
    [apiKeyId, versions, reason])
  return rows.map((r) => r.keyVersion).sort((a, b) => b - a)
}

/** The key pairs that sign now, as public keys: current first, then retained newest first. */
export async function listPublicSigningKeys (q: Queryable, apiKeyId: string): Promise<PublicSigningKey[]> {
  const { rows } = await q.query<PublicSigningKey>(
    `select ${PUBLIC_COLUMNS} from webhook_signing_keys where api_key_id = $1::uuid and ${IN_FORCE}
     order by retained_until is null desc, key_version desc`,
    [apiKeyId])
  return rows
}

/**
 * The key pair a rotation generated, as a public key (whether or not it still signs); no query for
 * a rotation whose row says it generated none.
 */
export async function findSigningKeyByRotation (q: Queryable, rotation: { id: string; generatedKeyPair: boolean }): Promise<PublicSigningKey | undefined> {
  if (!rotation.generatedKeyPair) return undefined
  const { rows } = await q.query<PublicSigningKey>(
    `select ${PUBLIC_COLUMNS} from webhook_signing_keys where rotation_id = $1::uuid`, [rotation.id])
  return rows[0]
}

/** The encrypted private keys that sign now (current first, then `maxRetained` retained ones, newest first), for the delivery worker. */
export function signingPrivateKeysSql (apiKeyIdSql: string, maxRetainedSql: string) {
  return `array(select json_build_object('keyVersion', key_version, 'privateKey', private_key, 'current', retained_until is null)
                from (select * from webhook_signing_keys where api_key_id = ${apiKeyIdSql} and ${IN_FORCE}
                      order by retained_until is null desc, key_version desc
                      limit ${maxRetainedSql} + 1) k)`
}

export interface SchemeRow { apiKeyId: string; scheme: SigningScheme; jwksToken: string | null; webhookConfigured: boolean; revokedAt: Date | null }

/** The key's scheme, its row locked for a change (NO KEY UPDATE, as the rotation rule takes it). */
export async function lockSigningScheme (q: Queryable, apiKeyId: string): Promise<SchemeRow | undefined> {
  const { rows } = await q.query<SchemeRow>(
    `select id as "apiKeyId", signing_scheme as scheme, jwks_token as "jwksToken",
            webhook_secret is not null as "webhookConfigured", revoked_at as "revokedAt"
     from api_keys where id = $1::uuid for no key update`,
    [apiKeyId])
  return rows[0]
}

export async function writeSigningScheme (q: Queryable, apiKeyId: string, scheme: SigningScheme, jwksToken: string | null) {
  await q.query('update api_keys set signing_scheme = $2::text, jwks_token = coalesce(jwks_token, $3::text) where id = $1::uuid',
    [apiKeyId, scheme, jwksToken])
}

export async function readSigningScheme (q: Queryable, apiKeyId: string): Promise<{ scheme: SigningScheme; jwksToken: string | null }> {
  const { rows } = await q.query<{ scheme: SigningScheme; jwksToken: string | null }>(
    'select signing_scheme as scheme, jwks_token as "jwksToken" from api_keys where id = $1::uuid', [apiKeyId])
  return rows[0]!
}

/** The key a JWKS token names, unless it was revoked. */
export async function findKeyByJwksToken (q: Queryable, token: string): Promise<{ apiKeyId: string; scheme: SigningScheme } | undefined> {
  const { rows } = await q.query<{ apiKeyId: string; scheme: SigningScheme }>(
    'select id as "apiKeyId", signing_scheme as scheme from api_keys where jwks_token = $1::text and revoked_at is null', [token])
  return rows[0]
}
