import type { Queryable } from './pool.js'

// Each statement locks only the rows it changes, with SKIP LOCKED: a row a rotation holds is left
// for the next pass, so the sweep never waits on (or deadlocks with) the rotation rule.

/** Nulls previous secrets whose window has passed; previous_retained_until stays as the record. */
export async function erasePreviousSecretsPastWindow (q: Queryable, limit: number) {
  const { rows } = await q.query<{ id: string }>(
    `with due as (
       select id from api_keys
       where webhook_secret_previous is not null and previous_retained_until <= now()
       order by previous_retained_until
       limit $1::int
       for update skip locked
     ), erased as (
       update api_keys k set webhook_secret_previous = null
       from due where k.id = due.id
       returning k.id, k.previous_retained_until
     ), audited as (
       insert into audit_events (actor_type, actor, action, api_key_id, details)
       select 'system', 'secret-hygiene', 'webhook_secret.previous_erased', id,
              jsonb_build_object('previousRetainedUntil', previous_retained_until)
       from erased
     )
     select id from erased`,
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

/** Erases both secret slots of revoked keys; the webhook URL and the windows stay for the record. */
export async function eraseRevokedKeySecrets (q: Queryable, limit: number) {
  const { rows } = await q.query<{ id: string }>(
    `with due as (
       select id from api_keys
       where revoked_at is not null and secrets_erased_at is null
       order by revoked_at
       limit $1::int
       for update skip locked
     ), erased as (
       update api_keys k set webhook_secret = null, webhook_secret_previous = null, secrets_erased_at = now()
       from due where k.id = due.id
       returning k.id
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
