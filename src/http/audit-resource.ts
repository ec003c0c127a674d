import type { FastifyRequest } from 'fastify'
import type { AuditEventRow } from '../db/audit-repository.js'
import { meta } from './envelope.js'

/**
 * A page of audit events. Customers see what was done to their key and why, but not which member
 * of staff did it: operator names are internal.
 */
export function auditPage (request: FastifyRequest, page: { rows: AuditEventRow[]; hasMore: boolean }, limit: number, opts: { maskOperators: boolean }) {
  const last = page.rows.at(-1)
  return {
    data: page.rows.map((e) => ({
      ...e,
      at: e.at.toISOString(),
      actor: opts.maskOperators && e.actorType === 'operator' ? 'operator' : e.actor,
      sourceIp: opts.maskOperators && e.actorType === 'operator' ? null : e.sourceIp,
    })),
    pagination: { cursor: page.hasMore && last ? last.id : null, hasMore: page.hasMore, limit },
    _meta: meta(request),
  }
}
