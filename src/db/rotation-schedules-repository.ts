import type { Queryable } from './pool.js'

/**
 * When a key with a policy is due: its secret (or key pair) is `rotation_interval_days` old,
 * counted from the later of its last rotation (else when the key was made) and when the policy
 * was set. The only place this is defined: the sweep and every view read it.
 */
const DUE_AT = `(greatest(coalesce(k.secret_rotated_at, k.created_at), k.rotation_schedule_set_at)
                 + make_interval(days => k.rotation_interval_days))`

export interface RotationScheduleRow {
  everyDays: number | null
  setAt: Date | null
  setBy: string | null
  /** When the key is next due; the sweep rotates it within one sweep interval of this. */
  dueAt: Date | null
}

const SCHEDULE_COLUMNS = `k.rotation_interval_days as "everyDays", k.rotation_schedule_set_at as "setAt",
  k.rotation_schedule_set_by as "setBy", case when k.rotation_interval_days is not null then ${DUE_AT} end as "dueAt"`

export async function readRotationSchedule (q: Queryable, apiKeyId: string): Promise<RotationScheduleRow> {
  const { rows } = await q.query<RotationScheduleRow>(`select ${SCHEDULE_COLUMNS} from api_keys k where k.id = $1::uuid`, [apiKeyId])
  return rows[0] ?? { everyDays: null, setAt: null, setBy: null, dueAt: null }
}

export interface ScheduleLockRow { everyDays: number | null; revokedAt: Date | null; webhookConfigured: boolean }

/** The key row, locked against a concurrent change of its policy (a rotation's own lock is not needed). */
export async function lockRotationSchedule (q: Queryable, apiKeyId: string): Promise<ScheduleLockRow | undefined> {
  const { rows } = await q.query<ScheduleLockRow>(
    `select rotation_interval_days as "everyDays", revoked_at as "revokedAt", webhook_secret is not null as "webhookConfigured"
     from api_keys where id = $1::uuid for no key update`,
    [apiKeyId])
  return rows[0]
}

/** Sets (or with null clears) the policy; setting it restarts the count. */
export async function writeRotationSchedule (q: Queryable, apiKeyId: string, everyDays: number | null, setBy: string) {
  await q.query(
    `update api_keys set rotation_interval_days = $2::int,
            rotation_schedule_set_at = case when $2::int is null then null else now() end,
            rotation_schedule_set_by = case when $2::int is null then null else $3::text end
     where id = $1::uuid`,
    [apiKeyId, everyDays, setBy])
}

export interface DueKey { apiKeyId: string; dueAt: Date }

/**
 * Keys whose scheduled rotation is due, oldest due first: live (not revoked, not expired: nobody
 * could pick a secret up with an expired key) keys with a webhook, not waiting
 * out a cooldown that already refused their scheduled rotation (it is tried again once it ends).
 */
export async function findDueKeys (q: Queryable, limit: number): Promise<DueKey[]> {
  const { rows } = await q.query<DueKey>(
    `select k.id as "apiKeyId", ${DUE_AT} as "dueAt"
     from api_keys k
     where k.rotation_interval_days is not null and k.revoked_at is null and k.webhook_secret is not null
       and (k.expires_at is null or k.expires_at > now())
       and ${DUE_AT} <= now()
       and not exists (select 1 from webhook_secret_rotations r
                       where r.api_key_id = k.id and r.kind = 'scheduled' and r.status = 'rejected' and r.retry_after_at > now())
     order by 2 limit $1::int`,
    [limit])
  return rows
}
