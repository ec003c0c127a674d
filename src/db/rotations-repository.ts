import type { AuditEvent } from './audit-repository.js'
import type { Queryable } from './pool.js'

export type RotationKind = 'customer' | 'operator_recover' | 'operator_rollback' | 'operator_expire_previous' | 'scheduled'
export type RotationStatus = 'queued' | 'processing' | 'succeeded' | 'rejected' | 'failed'
export type SecretErasedReason = 'acknowledged' | 'redelivery_grace_elapsed' | 'hold_expired' | 'superseded_undelivered' | 'key_revoked'

export const TERMINAL_STATUSES: readonly RotationStatus[] = ['succeeded', 'rejected', 'failed']

/** The customer's own rotations: requested by it, or run by its rotation schedule. Their secrets are the customer's to fetch and acknowledge. */
export const isCustomersRotation = (kind: RotationKind) => kind === 'customer' || kind === 'scheduled'

export interface RotationRow {
  id: string
  apiKeyId: string
  kind: RotationKind
  idempotencyKey: string | null
  requestFingerprint: string
  status: RotationStatus
  errorCode: string | null
  errorDetail: string | null
  retryAfterAt: Date | null
  cooldownRotationId: string | null
  rotatedAt: Date | null
  previousRetainedUntil: Date | null
  secretVersion: number | null
  heldSecret: string | null
  secretFirstDeliveredAt: Date | null
  /** The requester acknowledged the secret: confirmed, not only possibly delivered. */
  secretConfirmedAt: Date | null
  secretAvailableUntil: Date | null
  secretErasedAt: Date | null
  secretErasedReason: SecretErasedReason | null
  actor: string
  reason: string | null
  requestId: string | null
  sourceIp: string | null
  /** An operator rollback or expire-previous naming one retained secret. */
  targetSecretVersion: number | null
  requestedAt: Date
  /** Seconds from now until retry_after_at (at least 1), or null. */
  retryAfterSeconds: number | null
  completedAt: Date | null
  /** Idempotency retention is over: the key no longer replays. */
  idempotencyExpired: boolean
  /** Opaque position for cursor pagination (microseconds since epoch of requested_at). */
  sortKey: string
  /** A held secret whose hold has run out but is not erased (and audited) yet: settle before showing it. */
  holdLapsed: boolean
  /** The rotation generated a key pair (its key signed with v1a then): its public key goes with every answer about it. */
  generatedKeyPair: boolean
}

// Every read says whether the rotation generated a key pair, so an answer about one that did not
// (a key signing with v1 only, the default) makes no second round trip for a public key.
// Reads compute two things from Postgres time: whether the idempotency key has expired and, via
// `secret_available_until`, whether a held secret is still held (the sweeper erases it for good).
// Retry-After counts from clock_timestamp(), not now(): a transaction that began before the
// winning rotation committed has a now() earlier than that rotation's, which would make it 61 s.
const COLUMNS = `
  id, api_key_id as "apiKeyId", kind, idempotency_key as "idempotencyKey",
  request_fingerprint as "requestFingerprint", status, error_code as "errorCode",
  error_detail as "errorDetail", retry_after_at as "retryAfterAt",
  cooldown_rotation_id as "cooldownRotationId", rotated_at as "rotatedAt",
  previous_retained_until as "previousRetainedUntil", secret_version as "secretVersion",
  case when secret_available_until > now() then held_secret end as "heldSecret",
  secret_first_delivered_at as "secretFirstDeliveredAt", secret_confirmed_at as "secretConfirmedAt",
  case when secret_available_until > now() then secret_available_until end as "secretAvailableUntil",
  secret_erased_at as "secretErasedAt", secret_erased_reason as "secretErasedReason",
  actor, reason, request_id as "requestId", host(source_ip) as "sourceIp", target_secret_version as "targetSecretVersion",
  requested_at as "requestedAt", completed_at as "completedAt",
  greatest(1, ceil(extract(epoch from retry_after_at - clock_timestamp())))::int as "retryAfterSeconds",
  coalesce(held_secret is not null and secret_available_until <= now(), false) as "holdLapsed",
  exists (select from webhook_signing_keys k where k.rotation_id = webhook_secret_rotations.id) as "generatedKeyPair",
  requested_at + make_interval(secs => $RETENTION::int) <= now() as "idempotencyExpired",
  ((extract(epoch from requested_at) * 1000000)::bigint)::text as "sortKey"`

/** The column list with the idempotency retention bound to parameter `$n`. */
export function columns (retentionParam: number) {
  return COLUMNS.replace('$RETENTION', `$${retentionParam}`)
}

export interface NewRotation {
  id: string
  apiKeyId: string
  kind: RotationKind
  idempotencyKey: string | null
  requestFingerprint: string
  actor: string
  reason: string | null
  requestId: string
  sourceIp: string | null
  targetSecretVersion?: number | null
}

/** Inserts a queued rotation; undefined when the idempotency key is already taken. */
export async function insertRotation (q: Queryable, r: NewRotation, retentionSeconds: number): Promise<RotationRow | undefined> {
  const { rows } = await q.query<RotationRow>({
    name: 'insert-rotation',
    text: `insert into webhook_secret_rotations
       (id, api_key_id, kind, idempotency_key, request_fingerprint, status, actor, reason, request_id, source_ip, target_secret_version)
     values ($1::uuid, $2::uuid, $3::text, $4::text, $5::text, 'queued', $6::text, $7::text, $8::text, $9::inet, $11::int)
     on conflict (api_key_id, idempotency_key) where idempotency_key is not null and status <> 'rejected'
     do nothing
     returning ${columns(10)}`,
    values: [r.id, r.apiKeyId, r.kind, r.idempotencyKey, r.requestFingerprint, r.actor, r.reason, r.requestId, r.sourceIp, retentionSeconds, r.targetSecretVersion ?? null],
  })
  return rows[0]
}

/** A rotation as its key sees it; another key's rotation is not found. */
export async function findRotation (q: Queryable, id: string, apiKeyId: string | null, retentionSeconds: number) {
  const { rows } = await q.query<RotationRow>({
    name: 'find-rotation',
    text: `select ${columns(3)} from webhook_secret_rotations
     where id = $1::uuid and ($2::uuid is null or api_key_id = $2::uuid)`,
    values: [id, apiKeyId, retentionSeconds],
  })
  return rows[0]
}

export async function readRotationStatus (q: Queryable, id: string): Promise<RotationStatus | undefined> {
  const { rows } = await q.query<{ status: RotationStatus }>({
    name: 'read-rotation-status',
    text: 'select status from webhook_secret_rotations where id = $1::uuid',
    values: [id],
  })
  return rows[0]?.status
}

/**
 * Visible progress of a retried rotation ('processing', its attempt number). A first attempt skips
 * it: its transaction records the start itself, so 'processing' is shown only for a rotation that
 * has failed an attempt and is being retried.
 */
export async function markProcessing (q: Queryable, id: string, attempt: number) {
  await q.query({
    name: 'mark-processing',
    text: `update webhook_secret_rotations
     set status = 'processing', started_at = coalesce(started_at, now()), attempts = greatest(attempts, $2::int), updated_at = now()
     where id = $1::uuid and status in ('queued', 'processing')`,
    values: [id, attempt],
  })
}

export interface RotationSuccess {
  rotatedAt: Date
  previousRetainedUntil: Date | null
  secretVersion: number
  /** Encrypted new secret held for the requester, or null when nothing new is handed out. */
  heldSecret: string | null
  holdSeconds: number
  attempt: number
}

// How every final status is recorded (the attempt number is $7), and what it returns: the latency for metrics.
const FINISH = `started_at = coalesce(started_at, now()), attempts = greatest(attempts, $7::int),
         completed_at = now(), updated_at = now()
     where id = $1::uuid
     returning extract(epoch from completed_at - requested_at)::float8 as "latencySeconds"`

export async function markSucceeded (q: Queryable, id: string, s: RotationSuccess) {
  const { rows } = await q.query<{ latencySeconds: number }>({
    name: 'mark-succeeded',
    text: `update webhook_secret_rotations
     set status = 'succeeded', rotated_at = $2::timestamptz, previous_retained_until = $3::timestamptz,
         secret_version = $4::int, held_secret = $5::text,
         secret_available_until = case when $5::text is not null then now() + make_interval(secs => $6::int) end,
         ${FINISH}`,
    values: [id, s.rotatedAt, s.previousRetainedUntil, s.secretVersion, s.heldSecret, s.holdSeconds, s.attempt],
  })
  return rows[0]!.latencySeconds
}

export async function markRefused (
  q: Queryable,
  id: string,
  r: { status: 'rejected' | 'failed'; errorCode: string; errorDetail: string; retryAfterAt?: Date | null; cooldownRotationId?: string | null; attempt: number }
) {
  const { rows } = await q.query<{ latencySeconds: number }>({
    name: 'mark-refused',
    text: `update webhook_secret_rotations
     set status = $2::text, error_code = $3::text, error_detail = $4::text, retry_after_at = $5::timestamptz,
         cooldown_rotation_id = $6::uuid, ${FINISH}`,
    values: [id, r.status, r.errorCode, r.errorDetail, r.retryAfterAt ?? null, r.cooldownRotationId ?? null, r.attempt],
  })
  return rows[0]!.latencySeconds
}

/**
 * Records that a response carrying the held secret was completely written: the first time starts
 * the redelivery grace, which can only shorten the hold. Undefined when the secret is no longer held.
 */
export async function markSecretDelivered (q: Queryable, id: string, graceSeconds: number, audit: AuditEvent) {
  const { rows } = await q.query<{ secretFirstDeliveredAt: Date; secretAvailableUntil: Date; firstTime: boolean }>({
    name: 'mark-secret-delivered',
    // One statement (no BEGIN/COMMIT round trips): the mark and, the first time, its audit row.
    text: `with marked as (
       update webhook_secret_rotations
       set secret_first_delivered_at = coalesce(secret_first_delivered_at, now()),
           secret_available_until = least(secret_available_until,
                                           coalesce(secret_first_delivered_at, now()) + make_interval(secs => $2::int)),
           updated_at = now()
       -- Held-ness as a CASE: a plain "held_secret is not null" lets the planner pick the partial index of
       -- held secrets, which stale statistics make look as cheap as the primary key (seen: 500 blocks a call).
       where id = $1::uuid and case when held_secret is not null then secret_available_until > now() else false end
       returning api_key_id, secret_first_delivered_at, secret_available_until, secret_first_delivered_at = now() as first_time
     ), audited as (
       insert into audit_events (actor_type, actor, action, api_key_id, rotation_id, request_id, source_ip, details)
       select $3::text, $4::text, 'webhook_secret.held_secret_delivered', api_key_id, $1::uuid, $5::text, $6::inet, '{}'::jsonb
       from marked where first_time
     )
     select secret_first_delivered_at as "secretFirstDeliveredAt", secret_available_until as "secretAvailableUntil",
            first_time as "firstTime"
     from marked`,
    values: [id, graceSeconds, audit.actorType, audit.actor, audit.requestId ?? null, audit.sourceIp ?? null],
  })
  return rows[0]
}

/**
 * The requester confirms it stored the secret: the rotation counts as delivered and confirmed from
 * now on (even when the held copy is already gone) and the held copy is erased. Says what this call changed.
 */
export async function acknowledgeHeldSecret (q: Queryable, id: string) {
  const { rows } = await q.query<{ erased: boolean; firstDelivery: boolean }>(
    `update webhook_secret_rotations r
     set secret_first_delivered_at = coalesce(r.secret_first_delivered_at, now()),
         secret_confirmed_at = coalesce(r.secret_confirmed_at, now()),
         held_secret = case when old.held then null else r.held_secret end,
         secret_available_until = case when old.held then null else r.secret_available_until end,
         secret_erased_at = case when old.held then now() else r.secret_erased_at end,
         secret_erased_reason = case when old.held then 'acknowledged' else r.secret_erased_reason end,
         updated_at = now()
     from (select id, coalesce(held_secret is not null and secret_available_until > now(), false) as held,
                  secret_first_delivered_at is null as undelivered, secret_confirmed_at is null as unconfirmed
           from webhook_secret_rotations where id = $1::uuid for update) old
     where r.id = old.id and r.status = 'succeeded' and r.kind in ('customer', 'scheduled', 'operator_recover')
       and (old.held or old.undelivered or old.unconfirmed)
     returning old.held as erased, old.undelivered as "firstDelivery"`,
    [id]
  )
  return rows[0] ?? { erased: false, firstDelivery: false }
}

/** A customer rotation discarded this never-delivered secret: its held copy goes now. */
export async function eraseSupersededHeldSecret (q: Queryable, id: string) {
  const { rowCount } = await q.query({
    name: 'erase-superseded-held-secret',
    text: `update webhook_secret_rotations
     set held_secret = null, secret_available_until = null, secret_erased_at = now(),
         secret_erased_reason = 'superseded_undelivered', updated_at = now()
     where id = $1::uuid and held_secret is not null`,
    values: [id],
  })
  return rowCount === 1
}

/**
 * Erases held secrets whose hold ran out and audits each erasure, in one statement. The sweeper
 * calls it for all rotations; reads call it for the rotations they show first, so a response
 * never shows a lapsed secret without saying when and why it went.
 */
export async function eraseExpiredHeldSecrets (
  q: Queryable,
  opts: { graceSeconds: number; limit: number; rotationId?: string; apiKeyId?: string }
) {
  const { rows } = await q.query<{ id: string }>(
    `with expired as (
       select id from webhook_secret_rotations
       where held_secret is not null and secret_available_until <= now()
         and ($3::uuid is null or id = $3::uuid) and ($4::uuid is null or api_key_id = $4::uuid)
       order by secret_available_until
       limit $1::int
       for update skip locked
     ), erased as (
       update webhook_secret_rotations r
       set held_secret = null, secret_available_until = null, secret_erased_at = r.secret_available_until,
           secret_erased_reason = case
             when r.secret_first_delivered_at is not null
                  and r.secret_available_until = r.secret_first_delivered_at + make_interval(secs => $2::int)
             then 'redelivery_grace_elapsed' else 'hold_expired' end,
           updated_at = now()
       from expired where r.id = expired.id
       returning r.id, r.api_key_id, r.secret_erased_reason
     ), audited as (
       insert into audit_events (actor_type, actor, action, api_key_id, rotation_id, details)
       select 'system', 'secret-hold', 'webhook_secret.held_secret_erased', api_key_id, id,
              jsonb_build_object('reason', secret_erased_reason)
       from erased
     )
     select id from erased`,
    [opts.limit, opts.graceSeconds, opts.rotationId ?? null, opts.apiKeyId ?? null]
  )
  return rows.map((r) => r.id)
}

export interface RotationPage { rows: RotationRow[]; hasMore: boolean }

export async function listRotations (
  q: Queryable,
  apiKeyId: string,
  page: { limit: number; after: { sortKey: string; id: string } | null; kind?: RotationKind },
  retentionSeconds: number
): Promise<RotationPage> {
  const { rows } = await q.query<RotationRow>(
    `select ${columns(5)} from webhook_secret_rotations
     where api_key_id = $1::uuid and ($6::text is null or kind = $6::text)
       and ($2::bigint is null
            or (requested_at, id) < ('epoch'::timestamptz + $2::bigint * interval '1 microsecond', $3::uuid))
     order by requested_at desc, id desc
     limit $4::int`,
    [apiKeyId, page.after?.sortKey ?? null, page.after?.id ?? null, page.limit + 1, retentionSeconds, page.kind ?? null]
  )
  return { rows: rows.slice(0, page.limit), hasMore: rows.length > page.limit }
}

/** Rotations that should have finished by now: their job was never added, or was lost. */
export async function findStaleUnfinished (q: Queryable, olderThanMs: number, limit: number) {
  const { rows } = await q.query<{ id: string; status: RotationStatus }>(
    `select id, status from webhook_secret_rotations
     where status in ('queued', 'processing') and updated_at < now() - make_interval(secs => $1::float8 / 1000)
     order by updated_at limit $2::int`,
    [olderThanMs, limit]
  )
  return rows
}

/** Marks a reconciler pass so the same rotation is not re-examined every tick. */
export async function touchRotation (q: Queryable, id: string) {
  await q.query('update webhook_secret_rotations set updated_at = now() where id = $1::uuid and status in (\'queued\', \'processing\')', [id])
}
