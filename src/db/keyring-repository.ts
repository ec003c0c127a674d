import type { Queryable } from './pool.js'

/** Every column that holds a ciphertext of the key ring (`v1.<kid>.…`). */
export const CIPHERTEXT_COLUMNS = [
  { table: 'api_keys', column: 'webhook_secret' },
  { table: 'api_keys', column: 'webhook_secret_previous' },
  { table: 'webhook_secret_rotations', column: 'held_secret' },
] as const

export interface KidCount { table: string; column: string; kid: string; count: number }

export async function countCiphertextsByKid (q: Queryable): Promise<KidCount[]> {
  const { rows } = await q.query<KidCount>(
    `select 'api_keys' as table, 'webhook_secret' as column, split_part(webhook_secret, '.', 2) as kid, count(*)::int as count
     from api_keys where webhook_secret is not null group by 3
     union all
     select 'api_keys', 'webhook_secret_previous', split_part(webhook_secret_previous, '.', 2), count(*)::int
     from api_keys where webhook_secret_previous is not null group by 3
     union all
     select 'webhook_secret_rotations', 'held_secret', split_part(held_secret, '.', 2), count(*)::int
     from webhook_secret_rotations where held_secret is not null group by 3
     order by 1, 2, 3`
  )
  return rows
}

// Rewrap batches lock with SKIP LOCKED and wait for nothing: a row a rotation holds is taken in a
// later batch, so rewrapping never blocks the rotation rule and cannot deadlock with it.

export interface KeyCiphertexts { id: string; current: string | null; previous: string | null }

/** Locks keys with a ciphertext not under `activeKid`, skipping the ids in `exclude` (undecryptable). */
export async function lockKeysToRewrap (q: Queryable, activeKid: string, exclude: string[], limit: number) {
  const { rows } = await q.query<KeyCiphertexts>(
    `select id, webhook_secret as current, webhook_secret_previous as previous from api_keys
     where (split_part(webhook_secret, '.', 2) <> $1::text or split_part(webhook_secret_previous, '.', 2) <> $1::text)
       and not (id = any($2::uuid[]))
     order by id limit $3::int
     for update skip locked`,
    [activeKid, exclude, limit]
  )
  return rows
}

export async function writeKeyCiphertexts (q: Queryable, rows: KeyCiphertexts[]) {
  await q.query(
    `update api_keys k set webhook_secret = u.current, webhook_secret_previous = u.previous
     from unnest($1::uuid[], $2::text[], $3::text[]) as u(id, current, previous)
     where k.id = u.id`,
    [rows.map((r) => r.id), rows.map((r) => r.current), rows.map((r) => r.previous)]
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
    `select (select count(*)::int from api_keys
             where (split_part(webhook_secret, '.', 2) <> $1::text or split_part(webhook_secret_previous, '.', 2) <> $1::text)
               and not (id = any($2::uuid[]))) as keys,
            (select count(*)::int from webhook_secret_rotations
             where held_secret is not null and split_part(held_secret, '.', 2) <> $1::text
               and not (id = any($2::uuid[]))) as held`,
    [activeKid, exclude]
  )
  return rows[0]!
}
