import type { Queryable } from './pool.js'

// Each statement locks only the rows it changes, with SKIP LOCKED: a row a rotation holds is left
// for the next pass, so the sweep never waits on (or deadlocks with) the rotation rule.

/** Ends retained secrets whose window has passed; the row (its window end) stays as the record. Returns their keys. */
export async function erasePreviousSecretsPastWindow (q: Queryable, limit: number) {
  const { rows } = await q.query<{ id: string }>(
    `with due as (
       select api_key_id, secret_version from retained_webhook_secrets
       where secret is not null and retained_until <= now()
       order by retained_until
       limit $1::int
       for update skip locked
     ), erased as (
       update retained_webhook_secrets s set secret = null, ended_at = now(), ended_reason = 'window_passed'
       from due where s.api_key_id = due.api_key_id and s.secret_version = due.secret_version
       returning s.api_key_id, s.secret_version, s.retained_until
     ), audited as (
       insert into audit_events (actor_type, actor, action, api_key_id, details)
       select 'system', 'secret-hygiene', 'webhook_secret.previous_erased', api_key_id,
              jsonb_build_object('previousRetainedUntil', retained_until, 'secretVersion', secret_version)
       from erased
     )
     select api_key_id as id from erased`,
    [limit]
  )
  return rows.map((r) => r.id)
}

/** Erases the private keys of retained key pairs whose window has passed; the row (public key, window) stays. */
export async function eraseSigningKeysPastWindow (q: Queryable, limit: number) {
  const { rows } = await q.query<{ id: string }>(
    `with due as (
       select api_key_id, key_version from webhook_signing_keys
       where private_key is not null and retained_until <= now()
       order by retained_until
       limit $1::int
       for update skip locked
     ), erased as (
       update webhook_signing_keys p set private_key = null, ended_at = now(), ended_reason = 'window_passed'
       from due where p.api_key_id = due.api_key_id and p.key_version = due.key_version
       returning p.api_key_id, p.key_version, p.kid, p.retained_until
     ), audited as (
       insert into audit_events (actor_type, actor, action, api_key_id, details)
       select 'system', 'secret-hygiene', 'webhook_secret.signing_key_erased', api_key_id,
              jsonb_build_object('keyVersion', key_version, 'kid', kid, 'retainedUntil', retained_until)
       from erased
     )
     select api_key_id as id from erased`,
    [limit]
  )
  return rows.map((r) => r.id)
}

/** Erases the held secrets of rotations of revoked keys. */
export async function eraseHeldSecretsOfRevokedKeys (q: Queryable, limit: number) {
  const { rows } = await q.query<{ id: string }>(
    `with due as (
       select r.id from webhook_secret_rotations r
       join api_keys k on k.id = r.api_key_id
       where r.held_secret is not null and k.revoked_at is not null
       limit $1::int
       for update of r skip locked
     ), erased as (
       update webhook_secret_rotations r
       set held_secret = null, secret_available_until = null, secret_erased_at = now(),
           secret_erased_reason = 'key_revoked', updated_at = now()
       from due where r.id = due.id
       returning r.id, r.api_key_id
     ), audited as (
       insert into audit_events (actor_type, actor, action, api_key_id, rotation_id, details)
       select 'system', 'secret-hygiene', 'webhook_secret.held_secret_erased', api_key_id, id,
              jsonb_build_object('reason', 'key_revoked')
       from erased
     )
     select id from erased`,
    [limit]
  )
  return rows.map((r) => r.id)
}

/** Erases every secret of revoked keys, current and retained; the webhook URL and the windows stay for the record. */
export async function eraseRevokedKeySecrets (q: Queryable, limit: number) {
  const { rows } = await q.query<{ id: string }>(
    `with due as (
       select id from api_keys
       where revoked_at is not null and secrets_erased_at is null
       order by revoked_at
       limit $1::int
       for update skip locked
     ), erased as (
       update api_keys k set webhook_secret = null, secrets_erased_at = now()
       from due where k.id = due.id
       returning k.id
     ), retained as (
       update retained_webhook_secrets s set secret = null, ended_at = now(), ended_reason = 'key_revoked'
       from erased where s.api_key_id = erased.id and s.secret is not null
     ), key_pairs as (
       update webhook_signing_keys p set private_key = null, ended_at = now(), ended_reason = 'key_revoked'
       from erased where p.api_key_id = erased.id and p.private_key is not null
     ), audited as (
       insert into audit_events (actor_type, actor, action, api_key_id)
       select 'system', 'secret-hygiene', 'api_key.secrets_erased', id
       from erased
     )
     select id from erased`,
    [limit]
  )
  return rows.map((r) => r.id)
}
