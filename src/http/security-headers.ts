import type { FastifyReply, FastifyRequest } from 'fastify'

/**
 * Headers of every page an operator or developer opens in a browser (console, queue dashboard,
 * API docs): never framed (clickjacking), no MIME sniffing, no Referer carrying a key id or a
 * path to another site. `same-origin` rather than `no-referrer`: with no-referrer a browser sends
 * `Origin: null` on the console's own form posts, which the console's origin check must refuse. HSTS is the TLS-terminating proxy's business (README "Running in production").
 */
export const BROWSER_PAGE_HEADERS = {
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
} as const

/** An onSend hook that sets BROWSER_PAGE_HEADERS and the headers given (a page's CSP, its caching). */
export function browserPageHeaders (extra: Record<string, string> = {}) {
  return async function setBrowserPageHeaders (_request: FastifyRequest, reply: FastifyReply) {
    reply.headers({ ...BROWSER_PAGE_HEADERS, ...extra })
  }
}
