import type pg from 'pg'
import type { Logger } from 'pino'
import { insertAuditEvent } from '../db/audit-repository.js'
import { withTransaction } from '../db/pool.js'
import {
  findDueKeys, lockRotationSchedule, readRotationSchedule, writeRotationSchedule, type RotationScheduleRow,
} from '../db/rotation-schedules-repository.js'
import { AppError } from '../errors/app-error.js'
import type { RotationRequests } from './rotation-requests.js'
import { requireSigningKey, type SchemeActor } from './signing-keys.js'

export const SCHEDULE_MIN_DAYS = 1
export const SCHEDULE_MAX_DAYS = 365
/** Who a scheduled rotation's audit events name (actor type `system`). */
export const SCHEDULER_ACTOR = 'scheduler'
// One sweep rotates at most this many keys; the rest are due still and go on the next.
const SWEEP_BATCH = 200

export type { RotationScheduleRow as RotationScheduleView }

/**
 * Sets (`everyDays`) or clears (null) a key's rotation schedule, audited, in one transaction. The
 * same value again changes nothing and records nothing (PUT is idempotent); clearing needs only
 * that the key exists, so a revoked key's schedule can still be removed.
 */
export async function setRotationSchedule (pool: pg.Pool, apiKeyId: string, everyDays: number | null, actor: SchemeActor) {
  return withTransaction(pool, async (client) => {
    const locked = await lockRotationSchedule(client, apiKeyId)
    if (!locked) throw new AppError('RESOURCE_NOT_FOUND', 'No such API key.')
    if (everyDays !== null) requireSigningKey(locked, apiKeyId, actor)
    if (locked.everyDays === everyDays) return { changed: false, view: await readRotationSchedule(client, apiKeyId) }
    await writeRotationSchedule(client, apiKeyId, everyDays, actor.actor)
    await insertAuditEvent(client, {
      ...actor,
      action: 'webhook_secret.schedule_changed',
      apiKeyId,
      details: { fromEveryDays: locked.everyDays, toEveryDays: everyDays },
    })
    return { changed: true, view: await readRotationSchedule(client, apiKeyId) }
  })
}

/**
 * One run of the job scheduler: a rotation of kind `scheduled` for each due key, accepted like any
 * rotation request and run by the rotation worker through the rotation rule. The idempotency key
 * is the due time, so a redelivered or overlapping run finds the same rotation and never rotates a
 * key twice for one due time; once it succeeded the key is simply no longer due.
 */
export function createScheduledRotations ({ pool, rotationRequests, log }: { pool: pg.Pool; rotationRequests: Pick<RotationRequests, 'request'>; log: Logger }) {
  return async function runDue (): Promise<{ requested: number }> {
    const due = await findDueKeys(pool, SWEEP_BATCH)
    let requested = 0
    for (const { apiKeyId, dueAt } of due) {
      try {
        const { rotation, replayed } = await rotationRequests.request({
          apiKeyId,
          kind: 'scheduled',
          idempotencyKey: `scheduled:${dueAt.getTime()}`,
          reason: null,
          actor: SCHEDULER_ACTOR,
          requestId: `scheduled:${apiKeyId}:${dueAt.getTime()}`,
          sourceIp: null,
        }, '')
        if (!replayed) requested++
        log.info({ apiKeyId, rotationId: rotation.id, dueAt, replayed }, 'scheduled rotation requested')
      } catch (err) {
        // One key's refusal (its webhook removed meanwhile) must not stop the others.
        log.warn({ err, apiKeyId }, 'scheduled rotation not requested')
      }
    }
    return { requested }
  }
}
