import type { FastifyRequest } from 'fastify'
import { AppError } from '../errors/app-error.js'
import { meta } from './envelope.js'

export interface Position { sortKey: string; id: string }

/** Opaque cursor: the position (sort key and id) of the last row of a page. */
export function encodeCursor (row: Position) {
  return Buffer.from(`${row.sortKey}.${row.id}`, 'utf8').toString('base64url')
}

// Sort keys are microseconds since the epoch; Postgres' timestamps end in 294276, its bigint at
// 2^63 - 1. A key past 9999-12-31 was never made by this API, and would overflow the query's casts.
const MAX_SORT_KEY = 253402300799999999n
/** The largest Postgres bigint: an audit-event id cursor beyond it could not be compared. */
export const MAX_BIGINT = 9223372036854775807n

/** The position a `cursor` query parameter names; a cursor this API did not make is a 400. */
export function decodeCursor (cursor: string | undefined): Position | null {
  if (cursor === undefined) return null
  const m = /^(\d{1,20})\.([0-9a-f-]{36})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'))
  if (!m || BigInt(m[1]!) > MAX_SORT_KEY) throw new AppError('VALIDATION_FAILED', 'querystring.cursor: is not a cursor this API returned')
  return { sortKey: m[1]!, id: m[2]! }
}

/** `{ data, pagination: { cursor, hasMore, limit }, _meta }` for one page of rows. */
export function pageResponse<R extends Position, T> (
  request: FastifyRequest,
  page: { rows: R[]; hasMore: boolean },
  limit: number,
  toResource: (row: R) => T
) {
  const last = page.rows.at(-1)
  return {
    data: page.rows.map(toResource),
    pagination: { cursor: page.hasMore && last ? encodeCursor(last) : null, hasMore: page.hasMore, limit },
    _meta: meta(request),
  }
}

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
