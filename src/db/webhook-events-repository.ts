import type { Queryable } from './pool.js'
import { signingPrivateKeysSql, type SigningScheme } from './signing-keys-repository.js'

export type WebhookEventType = 'webhook_secret.rotated' | 'webhook_secret.rolled_back' | 'webhook.test'
export type DeliveryStatus = 'none' | 'pending' | 'retrying' | 'delivered' | 'failed'
export type SignWith = 'both' | 'current' | 'previous'

export interface WebhookEventRow {
  id: string
  apiKeyId: string
  type: WebhookEventType
  body: string
  signWith: SignWith
  rotationId: string | null
  status: DeliveryStatus
  jobId: string
  attempts: number
  redeliveries: number
  lastStatusCode: number | null
  lastError: string | null
  createdAt: Date
  lastAttemptAt: Date | null
  deliveredAt: Date | null
  sortKey: string
}

const COLUMNS = `
  id, api_key_id as "apiKeyId", type, body, sign_with as "signWith", rotation_id as "rotationId", status,
  job_id as "jobId", attempts, redeliveries, last_status_code as "lastStatusCode", last_error as "lastError",
  created_at as "createdAt", last_attempt_at as "lastAttemptAt", delivered_at as "deliveredAt",
  ((extract(epoch from created_at) * 1000000)::bigint)::text as "sortKey"`

export type NewWebhookEvent = Pick<WebhookEventRow, 'id' | 'apiKeyId' | 'type' | 'body' | 'signWith' | 'rotationId'>

/** Records an event; `none` when the key has no webhook URL (nothing to deliver to). */
export async function insertWebhookEvent (q: Queryable, e: NewWebhookEvent): Promise<WebhookEventRow> {
  const { rows } = await q.query<WebhookEventRow>({
    name: 'insert-webhook-event',
    text: `insert into webhook_events (id, api_key_id, type, body, sign_with, rotation_id, status, job_id)
     select $1::uuid, $2::uuid, $3::text, $4::text, $5::text, $6::uuid,
            case when k.webhook_url is null then 'none' else 'pending' end, $1::text
     from api_keys k where k.id = $2::uuid
     returning ${COLUMNS}`,
    values: [e.id, e.apiKeyId, e.type, e.body, e.signWith, e.rotationId],
  })
  return rows[0]!
}

export interface DeliveryTarget extends WebhookEventRow {
  webhookUrl: string | null
  webhookSecret: string | null
  /** The retained secrets in their window (Postgres time), newest first, at most the bound: encrypted. */
  retainedSecrets: string[]
  signingScheme: SigningScheme
  /** The key pairs that sign now, current first, then retained newest first (at most the bound): private keys encrypted. */
  signingKeys: { keyVersion: number; privateKey: string; current: boolean }[]
}

/** An event with what its delivery needs now: the URL and the secrets in force at this moment (`maxRetained` of the retained ones). */
export async function findDeliveryTarget (q: Queryable, id: string, maxRetained: number): Promise<DeliveryTarget | undefined> {
  const { rows } = await q.query<DeliveryTarget>({
    name: 'find-delivery-target',
    text: `select e.*, k.webhook_url as "webhookUrl", k.webhook_secret as "webhookSecret",
            array(select s.secret from retained_webhook_secrets s
                  where s.api_key_id = k.id and s.secret is not null and s.retained_until > now()
                  order by s.secret_version desc limit $2::int) as "retainedSecrets",
            k.signing_scheme as "signingScheme", ${signingPrivateKeysSql('k.id', '$2::int')} as "signingKeys"
     from (select ${COLUMNS} from webhook_events where id = $1::uuid) e
     join api_keys k on k.id = e."apiKeyId"`,
    values: [id, maxRetained],
  })
  return rows[0]
}

export async function recordDeliveryAttempt (
  q: Queryable,
  id: string,
  a: { status: DeliveryStatus; statusCode: number | null; error: string | null }
) {
  await q.query({
    name: 'record-delivery-attempt',
    text: `update webhook_events
     set status = $2::text, attempts = attempts + 1, last_status_code = $3::int, last_error = $4::text,
         last_attempt_at = now(), delivered_at = case when $2::text = 'delivered' then now() end, updated_at = now()
     where id = $1::uuid`,
    values: [id, a.status, a.statusCode, a.error],
  })
}

export async function findWebhookEvent (q: Queryable, id: string, apiKeyId: string) {
  const { rows } = await q.query<WebhookEventRow>({
    name: 'find-webhook-event',
    text: `select ${COLUMNS} from webhook_events where id = $1::uuid and api_key_id = $2::uuid`,
    values: [id, apiKeyId],
  })
  return rows[0]
}

export async function listWebhookEvents (
  q: Queryable,
  apiKeyId: string,
  page: { limit: number; statuses: DeliveryStatus[] | null; after: { sortKey: string; id: string } | null }
) {
  const { rows } = await q.query<WebhookEventRow>({
    name: 'list-webhook-events',
    text: `select ${COLUMNS} from webhook_events
     where api_key_id = $1::uuid and ($2::text[] is null or status = any($2::text[]))
       and ($3::bigint is null
            or (created_at, id) < ('epoch'::timestamptz + $3::bigint * interval '1 microsecond', $4::uuid))
     order by created_at desc, id desc
     limit $5::int`,
    values: [apiKeyId, page.statuses, page.after?.sortKey ?? null, page.after?.id ?? null, page.limit + 1],
  })
  return { rows: rows.slice(0, page.limit), hasMore: rows.length > page.limit }
}

/**
 * Starts a redelivery under a new job id, unless `limit` redeliveries were made already.
 * Returns the updated event, or undefined when the limit is reached.
 */
export async function startRedelivery (q: Queryable, id: string, apiKeyId: string, limit: number) {
  const { rows } = await q.query<WebhookEventRow>({
    name: 'start-redelivery',
    text: `update webhook_events
     set redeliveries = redeliveries + 1, status = 'pending', job_id = id::text || '-r' || (redeliveries + 1),
         last_error = null, last_status_code = null, updated_at = now()
     where id = $1::uuid and api_key_id = $2::uuid and redeliveries < $3::int
     returning ${COLUMNS}`,
    values: [id, apiKeyId, limit],
  })
  return rows[0]
}

/** Deliveries that should be under way; the reconciler checks their jobs. */
export async function findStaleUndelivered (q: Queryable, olderThanMs: number, limit: number) {
  const { rows } = await q.query<{ id: string; jobId: string }>({
    name: 'find-stale-undelivered',
    text: `select id, job_id as "jobId" from webhook_events
     where status in ('pending', 'retrying') and updated_at < now() - make_interval(secs => $1::float8 / 1000)
     order by updated_at limit $2::int`,
    values: [olderThanMs, limit],
  })
  return rows
}

export async function touchWebhookEvent (q: Queryable, id: string) {
  await q.query({
    name: 'touch-webhook-event',
    text: 'update webhook_events set updated_at = now() where id = $1::uuid',
    values: [id],
  })
}
