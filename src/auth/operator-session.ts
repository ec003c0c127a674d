import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { hashToken } from '../crypto/tokens.js'
import { endOperatorSession, findOperatorBySession, insertOperatorSession } from '../db/operator-sessions-repository.js'
import type { Queryable } from '../db/pool.js'
import type { OperatorRow } from '../db/operator-tokens-repository.js'

// The cookie value is a random id; Postgres keeps only its HMAC, like operator tokens.
const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{43}$/

/** Opens a console session for an authenticated operator; returns the cookie value (shown to nobody else). */
export async function openOperatorSession (q: Queryable, pepper: string, operator: OperatorRow, ttlSeconds: number) {
  const sessionId = randomBytes(32).toString('base64url')
  const { expiresAt } = await insertOperatorSession(q, { sessionHash: hashToken(pepper, sessionId), operatorTokenId: operator.id, ttlSeconds })
  return { sessionId, expiresAt }
}

/** The operator of a live session, or undefined (unknown, ended, expired, or its token revoked). */
export async function operatorForSession (q: Queryable, pepper: string, sessionId: string | undefined) {
  if (sessionId === undefined || !SESSION_ID_PATTERN.test(sessionId)) return undefined
  return findOperatorBySession(q, hashToken(pepper, sessionId))
}

export async function closeOperatorSession (q: Queryable, pepper: string, sessionId: string | undefined) {
  if (sessionId !== undefined && SESSION_ID_PATTERN.test(sessionId)) await endOperatorSession(q, hashToken(pepper, sessionId))
}

/**
 * The console's CSRF token for a session: an HMAC of its id, so it is bound to the session, renewed
 * with it at every sign-in, and worthless with any other session (a planted cookie cannot help).
 */
export function sessionCsrfToken (pepper: string, sessionId: string) {
  return createHmac('sha256', pepper).update(`console-csrf:${sessionId}`).digest('base64url')
}

export function isSessionCsrfToken (pepper: string, sessionId: string | undefined, token: unknown) {
  if (sessionId === undefined || typeof token !== 'string') return false
  const expected = Buffer.from(sessionCsrfToken(pepper, sessionId))
  const given = Buffer.from(token)
  return given.length === expected.length && timingSafeEqual(given, expected)
}
