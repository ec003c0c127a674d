import type { FastifyRequest } from 'fastify'
import type pg from 'pg'
import { operatorForSession } from '../auth/operator-session.js'
import type { Config } from '../config/config.js'

export const CONSOLE_COOKIE_PATH = '/admin'

const LOOPBACK_HOST = /^(localhost|\[?::1\]?|127\.\d+\.\d+\.\d+)$/

/**
 * The console's cookies, decided from configuration and never from the request: behind a proxy the
 * Host header is whatever the proxy sends (nginx's default is the upstream's 127.0.0.1:3000).
 * Secure when PUBLIC_URL is https (without it: unless the API listens on loopback only), and then
 * `__Host-` prefixed, which makes the browser refuse any such cookie that is not Secure, host-only
 * and on path `/`: a sibling subdomain cannot plant or shadow it.
 */
export function consoleCookies (config: Pick<Config, 'PUBLIC_URL' | 'HOST'>) {
  const secure = config.PUBLIC_URL !== undefined ? new URL(config.PUBLIC_URL).protocol === 'https:' : !LOOPBACK_HOST.test(config.HOST)
  const prefix = secure ? '__Host-' : ''
  return {
    secure,
    session: `${prefix}op_session`,
    csrf: `${prefix}op_csrf`,
    options: { path: secure ? '/' : CONSOLE_COOKIE_PATH, httpOnly: true, sameSite: 'strict' as const, secure },
  }
}

export type ConsoleCookies = ReturnType<typeof consoleCookies>

/** Sets request.operator from the session cookie; false when there is no live session. */
export async function loadSessionOperator (pool: pg.Pool, config: Config, request: FastifyRequest) {
  const operator = await operatorForSession(pool, config.API_KEY_PEPPER, request.cookies[consoleCookies(config).session])
  if (!operator) return false
  request.operator = operator
  return true
}
