import type { FastifyRequest } from 'fastify'
import type pg from 'pg'
import { operatorForSession } from '../auth/operator-session.js'

export const SESSION_COOKIE = 'op_session'
export const CONSOLE_COOKIE_PATH = '/admin'

/** Cookies are Secure except when the console is reached on loopback (plain-HTTP local use). */
export function isLoopbackRequest (request: FastifyRequest) {
  const host = request.hostname.replace(/^\[|\]$/g, '')
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host)
}

export function consoleCookieOptions (request: FastifyRequest) {
  return { path: CONSOLE_COOKIE_PATH, httpOnly: true, sameSite: 'strict' as const, secure: !isLoopbackRequest(request) }
}

/** Sets request.operator from the session cookie; false when there is no live session. */
export async function loadSessionOperator (pool: pg.Pool, pepper: string, request: FastifyRequest) {
  const operator = await operatorForSession(pool, pepper, request.cookies[SESSION_COOKIE])
  if (!operator) return false
  request.operator = operator
  return true
}
