import type { Queryable } from './pool.js'

/** A secret that is no longer current but may still be held by the customer, so it keeps signing until its window ends. */
export interface RetainedSecret {
  secretVersion: number
  /** Encrypted under aad.previous(apiKeyId). */
  secret: string
  rotationId: string | null
  /** Issued with the key, restored by a rollback, or acknowledged by its requester. */
  confirmed: boolean
  retainedSince: Date
  retainedUntil: Date
}

export type RetainedEndReason = 'window_passed' | 'expired_by_operator' | 'restored' | 'bound' | 'key_revoked'

/** The key's retained secrets in force (its id in `keyIdSql`) as `s`, each with its rotation as `r`. */
const IN_FORCE = (keyIdSql: string) => `from retained_webhook_secrets s left join webhook_secret_rotations r on r.id = s.rotation_id
     where s.api_key_id = ${keyIdSql} and s.secret is not null and s.retained_until > now()`
/** Confirmed: when it stopped being current, or since (its rotation was acknowledged later). */
const CONFIRMED = '(s.confirmed_at is not null or r.secret_confirmed_at is not null)'

/**
 * The key's retained secrets still in their window (the key id in `keyIdSql`), newest first, as
 * one JSON array, each row locked: the rotation rule holds the key row, and the sweep skips locked
 * rows, so a window cannot pass under the rule's feet.
 */
export function lockedSigningSecretsJson (keyIdSql: string) {
  return `(select coalesce(json_agg(x order by x."secretVersion" desc), '[]'::json) from (
     select s.secret_version as "secretVersion", s.secret, s.rotation_id as "rotationId", ${CONFIRMED} as confirmed,
            s.retained_since as "retainedSince", s.retained_until as "retainedUntil"
     ${IN_FORCE(keyIdSql)}
     for update of s) x)`
}

/** A row of lockedSigningSecretsJson, with its times as JSON gives them. */
export function fromSigningSecretJson (j: Omit<RetainedSecret, 'retainedSince' | 'retainedUntil'> & { retainedSince: string; retainedUntil: string }): RetainedSecret {
  return { ...j, retainedSince: new Date(j.retainedSince), retainedUntil: new Date(j.retainedUntil) }
}

/** Whether the key ever retained a secret whose window has passed (a rollback then says "window closed"). */
export async function lastWindowEnded (q: Queryable, apiKeyId: string): Promise<Date | null> {
  const { rows } = await q.query<{ until: Date | null }>(
    `select max(retained_until) as until from retained_webhook_secrets
     where api_key_id = $1::uuid and (ended_reason = 'window_passed' or (secret is not null and retained_until <= now()))`,
    [apiKeyId]
  )
  return rows[0]?.until ?? null
}

export interface NewRetainedSecret {
  secretVersion: number
  secret: string
  rotationId: string | null
  confirmed: boolean
  windowSeconds: number
}

/** The secret that stops being current starts its own window. */
export async function retainSecret (q: Queryable, apiKeyId: string, s: NewRetainedSecret) {
  await q.query({
    name: 'retain-secret',
    text: `insert into retained_webhook_secrets (api_key_id, secret_version, secret, rotation_id, confirmed_at, retained_until)
     values ($1::uuid, $2::int, $3::text, $4::uuid, case when $5::boolean then now() end, now() + make_interval(secs => $6::int))`,
    values: [apiKeyId, s.secretVersion, s.secret, s.rotationId, s.confirmed, s.windowSeconds],
  })
}

/** Restarts one retained secret's window (a recovery keeps the last secret the customer really has). */
export async function restartWindow (q: Queryable, apiKeyId: string, secretVersion: number, windowSeconds: number) {
  await q.query(
    `update retained_webhook_secrets set retained_until = now() + make_interval(secs => $3::int)
     where api_key_id = $1::uuid and secret_version = $2::int and secret is not null`,
    [apiKeyId, secretVersion, windowSeconds]
  )
}

/** These retained secrets stop signing now; the rows stay as the record. */
export async function endRetainedSecrets (q: Queryable, apiKeyId: string, versions: number[], reason: RetainedEndReason) {
  if (versions.length === 0) return
  await q.query(
    `update retained_webhook_secrets set secret = null, ended_at = now(), ended_reason = $3::text
     where api_key_id = $1::uuid and secret_version = any($2::int[]) and secret is not null`,
    [apiKeyId, versions, reason]
  )
}

/** The window end of the newest retained secret in force: the upstream API's previousRetainedUntil. */
export function previousRetainedUntilSql (apiKeyIdSql: string) {
  return `(select s.retained_until from retained_webhook_secrets s
           where s.api_key_id = ${apiKeyIdSql} and s.secret is not null and s.retained_until > now()
           order by s.secret_version desc limit 1)`
}

export interface SigningSecretView { secretVersion: number; confirmed: boolean; retainedSince: Date; retainedUntil: Date }

/** The retained secrets in force, as metadata (never a secret), newest first. */
export async function listSigningSecrets (q: Queryable, apiKeyId: string): Promise<SigningSecretView[]> {
  const { rows } = await q.query<SigningSecretView>(
    `select s.secret_version as "secretVersion", ${CONFIRMED} as confirmed,
            s.retained_since as "retainedSince", s.retained_until as "retainedUntil"
     ${IN_FORCE('$1::uuid')}
     order by s.secret_version desc`,
    [apiKeyId]
  )
  return rows
}
