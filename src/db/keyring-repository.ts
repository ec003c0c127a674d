import type { Queryable } from './pool.js'

/** Every column that holds a ciphertext of the key ring (`v1.<kid>.…`). */
export const CIPHERTEXT_COLUMNS = [
  { table: 'api_keys', column: 'webhook_secret' },
  { table: 'retained_webhook_secrets', column: 'secret' },
  { table: 'webhook_secret_rotations', column: 'held_secret' },
  { table: 'webhook_signing_keys', column: 'private_key' },
] as const

export interface KidCount { table: string; column: string; kid: string; count: number }

export async function countCiphertextsByKid (q: Queryable): Promise<KidCount[]> {
  const { rows } = await q.query<KidCount>(
    `select 'api_keys' as table, 'webhook_secret' as column, split_part(webhook_secret, '.', 2) as kid, count(*)::int as count
     from api_keys where webhook_secret is not null group by 3
     union all
     select 'retained_webhook_secrets', 'secret', split_part(secret, '.', 2), count(*)::int
     from retained_webhook_secrets where secret is not null group by 3
     union all
     select 'webhook_secret_rotations', 'held_secret', split_part(held_secret, '.', 2), count(*)::int
     from webhook_secret_rotations where held_secret is not null group by 3
     union all
     select 'webhook_signing_keys', 'private_key', split_part(private_key, '.', 2), count(*)::int
     from webhook_signing_keys where private_key is not null group by 3
     order by 1, 2, 3`
  )
  return rows
}

// Rewrap batches lock with SKIP LOCKED and wait for nothing: a row a rotation holds is taken in a
// later batch, so rewrapping never blocks the rotation rule and cannot deadlock with it.

/** A key's current secret, its retained ones and its key pairs' private keys (by version): rewrapped together under the key's row lock. */
export interface KeyCiphertexts { id: string; current: string | null; retained: { version: number; secret: string }[]; signingKeys: { version: number; privateKey: string }[] }

// A key needs rewrapping when its current or any retained secret in force is under another key id ($1).
const KEY_NOT_UNDER_ACTIVE = `(split_part(k.webhook_secret, '.', 2) <> $1::text
  or exists (select 1 from retained_webhook_secrets s
             where s.api_key_id = k.id and s.secret is not null and split_part(s.secret, '.', 2) <> $1::text)
  or exists (select 1 from webhook_signing_keys p
             where p.api_key_id = k.id and p.private_key is not null and split_part(p.private_key, '.', 2) <> $1::text))`

/**
 * Locks keys with a ciphertext not under `activeKid`, skipping the ids in `exclude` (undecryptable).
 * The key's row lock also keeps the rotation rule off its retained secrets.
 */
export async function lockKeysToRewrap (q: Queryable, activeKid: string, exclude: string[], limit: number) {
  const { rows } = await q.query<KeyCiphertexts>(
    `select k.id, k.webhook_secret as current,
            coalesce((select json_agg(json_build_object('version', s.secret_version, 'secret', s.secret) order by s.secret_version)
                      from retained_webhook_secrets s where s.api_key_id = k.id and s.secret is not null), '[]'::json) as retained,
            coalesce((select json_agg(json_build_object('version', p.key_version, 'privateKey', p.private_key) order by p.key_version)
                      from webhook_signing_keys p where p.api_key_id = k.id and p.private_key is not null), '[]'::json) as "signingKeys"
     from api_keys k
     where ${KEY_NOT_UNDER_ACTIVE} and not (k.id = any($2::uuid[]))
     order by k.id limit $3::int
     for update of k skip locked`,
    [activeKid, exclude, limit]
  )
  return rows
}

export async function writeKeyCiphertexts (q: Queryable, rows: KeyCiphertexts[]) {
  await q.query(
    `update api_keys k set webhook_secret = u.current
     from unnest($1::uuid[], $2::text[]) as u(id, current)
     where k.id = u.id`,
    [rows.map((r) => r.id), rows.map((r) => r.current)]
  )
  const retained = rows.flatMap((r) => r.retained.map((s) => ({ id: r.id, ...s })))
  // The sweep may have ended a retained secret meanwhile: an ended one stays ended.
  await q.query(
    `update retained_webhook_secrets s set secret = u.secret
     from unnest($1::uuid[], $2::int[], $3::text[]) as u(id, version, secret)
     where s.api_key_id = u.id and s.secret_version = u.version and s.secret is not null`,
    [retained.map((s) => s.id), retained.map((s) => s.version), retained.map((s) => s.secret)]
  )
  const signing = rows.flatMap((r) => r.signingKeys.map((k) => ({ id: r.id, ...k })))
  await q.query(
    `update webhook_signing_keys p set private_key = u.private_key
     from unnest($1::uuid[], $2::int[], $3::text[]) as u(id, version, private_key)
     where p.api_key_id = u.id and p.key_version = u.version and p.private_key is not null`,
    [signing.map((k) => k.id), signing.map((k) => k.version), signing.map((k) => k.privateKey)]
  )
}

export interface HeldCiphertext { id: string; held: string }

export async function lockHeldToRewrap (q: Queryable, activeKid: string, exclude: string[], limit: number) {
  const { rows } = await q.query<HeldCiphertext>(
    `select id, held_secret as held from webhook_secret_rotations
     where held_secret is not null and split_part(held_secret, '.', 2) <> $1::text
       and not (id = any($2::uuid[]))
     order by id limit $3::int
     for update skip locked`,
    [activeKid, exclude, limit]
  )
  return rows
}

export async function writeHeldCiphertexts (q: Queryable, rows: HeldCiphertext[]) {
  await q.query(
    `update webhook_secret_rotations r set held_secret = u.held
     from unnest($1::uuid[], $2::text[]) as u(id, held)
     where r.id = u.id and r.held_secret is not null`,
    [rows.map((r) => r.id), rows.map((r) => r.held)]
  )
}

/** Rows still to rewrap, locked or not (the ids in `exclude` left out). */
export async function countLeftToRewrap (q: Queryable, activeKid: string, exclude: string[]) {
  const { rows } = await q.query<{ keys: number; held: number }>(
    `select (select count(*)::int from api_keys k
             where ${KEY_NOT_UNDER_ACTIVE} and not (k.id = any($2::uuid[]))) as keys,
            (select count(*)::int from webhook_secret_rotations
             where held_secret is not null and split_part(held_secret, '.', 2) <> $1::text
               and not (id = any($2::uuid[]))) as held`,
    [activeKid, exclude]
  )
  return rows[0]!
}
