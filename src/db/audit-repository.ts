import type { Queryable } from './pool.js'

export interface AuditEvent {
  actorType: 'customer' | 'operator' | 'system'
  /** The API key id, the operator name, or the system component. Never a credential. */
  actor: string
  action: string
  apiKeyId?: string | null
  rotationId?: string | null
  requestId?: string | null
  sourceIp?: string | null
  reason?: string | null
  details?: Record<string, unknown>
}

/** Audit rows are written in the same transaction as the change they record. */
export async function insertAuditEvent (q: Queryable, e: AuditEvent) {
  await q.query({
    name: 'insert-audit-event',
    text: `insert into audit_events (actor_type, actor, action, api_key_id, rotation_id, request_id, source_ip, reason, details)
     values ($1::text, $2::text, $3::text, $4::uuid, $5::uuid, $6::text, $7::inet, $8::text, $9::jsonb)`,
    values: [e.actorType, e.actor, e.action, e.apiKeyId ?? null, e.rotationId ?? null, e.requestId ?? null, e.sourceIp ?? null, e.reason ?? null, JSON.stringify(e.details ?? {})],
  })
}

export interface AuditEventRow {
  id: string
  at: Date
  actorType: AuditEvent['actorType']
  actor: string
  action: string
  apiKeyId: string | null
  rotationId: string | null
  requestId: string | null
  sourceIp: string | null
  reason: string | null
  details: Record<string, unknown>
}

/** Newest first; `beforeId` is the cursor (ids only grow). */
export async function listAuditEvents (q: Queryable, page: { apiKeyId: string | null; limit: number; beforeId: string | null }) {
  const { rows } = await q.query<AuditEventRow>(
    `select id::text, at, actor_type as "actorType", actor, action, api_key_id as "apiKeyId", rotation_id as "rotationId",
            request_id as "requestId", host(source_ip) as "sourceIp", reason, details
     from audit_events
     where ($1::uuid is null or api_key_id = $1::uuid) and ($2::bigint is null or id < $2::bigint)
     order by audit_events.id desc -- the bigint column, not the text one selected as id
     limit $3::int`,
    [page.apiKeyId, page.beforeId, page.limit + 1]
  )
  return { rows: rows.slice(0, page.limit), hasMore: rows.length > page.limit }
}
