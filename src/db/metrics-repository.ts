import type { Queryable } from './pool.js'

export interface HeldSecretCount { kind: string; fetched: boolean; held: number; expiringSoon: number }

/** Held secrets by kind and whether a response ever carried them; "expiring soon" = unfetched, gone within the hour. */
export async function countHeldSecrets (db: Queryable): Promise<HeldSecretCount[]> {
  const { rows } = await db.query<HeldSecretCount>(
    `select kind,
            secret_first_delivered_at is not null as fetched,
            count(*)::int as held,
            count(*) filter (where secret_first_delivered_at is null
                              and secret_available_until < now() + $1::interval)::int as "expiringSoon"
     from webhook_secret_rotations
     where held_secret is not null
     group by 1, 2`, ['1 hour'])
  return rows
}
