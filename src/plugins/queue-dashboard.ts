import type { FastifyInstance, FastifyPluginAsync } from 'fastify'
import type pg from 'pg'
import type { Config } from '../config/config.js'
import type { Queues } from '../queue/queues.js'
import { AppError } from '../errors/app-error.js'
import { sendProblem } from '../http/problem.js'
import { lazySubtree } from '../http/lazy-subtree.js'
import { browserPageHeaders } from '../http/security-headers.js'
import { requireOperator } from './operator-auth.js'
import { loadSessionOperator } from './operator-session.js'

export const QUEUE_DASHBOARD_PATH = '/admin/queues'
const DASHBOARD_CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; font-src 'self' data:; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"

/**
 * The BullMQ dashboard for operators, behind operator auth (bearer token, or the console's session). Read-only: every change to a rotation
 * or delivery goes through the audited paths (and the reconciler re-adds what a removal would lose).
 * Jobs hold ids and status only, so the dashboard shows no secret.
 */
export const queueDashboardPlugin: FastifyPluginAsync<{ pool: pg.Pool; config: Config; queues: Queues | PromiseLike<Queues> }> = async (app, { pool, config, queues }) => {
  const authenticate = requireOperator(pool, config.API_KEY_PEPPER)
  // bull-board (its React UI, @fastify/static and @fastify/view, and the BullMQ adapter, which
  // loads bullmq's CommonJS build) is built on an operator's first visit: an API start that no
  // operator opens never loads it (docs/performance.md).
  async function buildDashboard (board: FastifyInstance) {
    const [{ createBullBoard }, { BullMQAdapter }, { FastifyAdapter }, { rotations, deliveries }] = await Promise.all([
      import('@bull-board/api'), import('@bull-board/api/bullMQAdapter'), import('@bull-board/fastify'), queues,
    ])
    const serverAdapter = new FastifyAdapter()
    serverAdapter.setBasePath(QUEUE_DASHBOARD_PATH)
    createBullBoard({
      queues: [new BullMQAdapter(rotations, { readOnlyMode: true }), new BullMQAdapter(deliveries, { readOnlyMode: true })],
      serverAdapter,
    })
    await board.register(serverAdapter.registerPlugin(), { prefix: QUEUE_DASHBOARD_PATH })
  }
  // Refused here, before the dashboard is built (bull-board's own error handler would answer a bare 500).
  app.addHook('onRequest', async (request, reply) => {
    try {
      // A browser comes with the console's session cookie; scripts with the bearer token.
      if (request.headers.authorization === undefined && await loadSessionOperator(pool, config, request)) return
      if (request.headers.authorization === undefined && request.method === 'GET' && request.headers.accept?.includes('text/html')) {
        return reply.redirect('/admin/sign-in', 303)
      }
      await authenticate.call(app, request, reply)
    } catch (err) {
      if (err instanceof AppError) return sendProblem(request, reply, err)
      throw err
    }
  })
  // bull-board's page loads its fonts from Google: an operator page makes no third-party request
  // (the link is dropped, and the CSP would refuse it anyway). Its React UI needs inline styles.
  app.addHook('onSend', browserPageHeaders({ 'content-security-policy': DASHBOARD_CSP, 'cache-control': 'no-store' }))
  app.addHook('onSend', async (_request, reply, payload) => {
    if (typeof payload !== 'string' || !String(reply.getHeader('content-type') ?? '').startsWith('text/html')) return payload
    return payload.replace(/<link[^>]+href="https:\/\/fonts\.(googleapis|gstatic)\.com[^>]*>/g, '')
  })
  lazySubtree(app, QUEUE_DASHBOARD_PATH, buildDashboard)
}
