import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import csrf from '@fastify/csrf-protection'
import formbody from '@fastify/formbody'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import type pg from 'pg'
import { z } from 'zod'
import { authenticateOperator } from '../../auth/operator-auth.js'
import { closeOperatorSession, isSessionCsrfToken, openOperatorSession, sessionCsrfToken } from '../../auth/operator-session.js'
import type { Config } from '../../config/config.js'
import { OPERATOR_TOKEN_PATTERN, OPERATOR_TOKEN_PREFIX_LENGTH } from '../../crypto/tokens.js'
import { ACTIONS, CONSOLE_PATH, errorPage, homePage, isConsoleAction, keyPage, recoveredPage, signInPage, type ConsoleAction } from '../../console/pages.js'
import { findApiKeyForOperator } from '../../db/api-keys-repository.js'
import { findOperatorNamesByTokenPrefix } from '../../db/operator-tokens-repository.js'
import { listAuditEvents } from '../../db/audit-repository.js'
import { findRotation, isCustomersRotation, listRotations, TERMINAL_STATUSES, type RotationKind } from '../../db/rotations-repository.js'
import { listWebhookEvents } from '../../db/webhook-events-repository.js'
import type { HeldSecrets } from '../../domain/held-secrets.js'
import type { RotationRequests } from '../../domain/rotation-requests.js'
import { describeSigningSet } from '../../domain/signing-set.js'
import { AppError } from '../../errors/app-error.js'
import { isDependencyError } from '../../errors/dependency-errors.js'
import { UUID_PATTERN } from '../../http/cursor.js'
import { sendProblem } from '../../http/problem.js'
import { browserPageHeaders } from '../../http/security-headers.js'
import { consoleCookies, loadSessionOperator } from '../../plugins/operator-session.js'
import { throttleAuthFailure } from '../../plugins/rate-limit.js'
import { ADMIN_ROTATIONS_PATH } from '../admin/operator-actions.js'
import { loadRotation, refusalError, requestActor, requestAndWait, revealForResponse } from '../webhook-secret/rotation-outcome.js'

export interface ConsoleRoutesOptions { pool: pg.Pool; config: Config; rotationRequests: RotationRequests; heldSecrets: HeldSecrets }

const CSS = readFileSync(new URL('../../console/console.css', import.meta.url), 'utf8')
// No script at all, styles only from this origin, forms only to this origin, never framed.
const CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
const KINDS: Record<ConsoleAction, RotationKind> = { recover: 'operator_recover', rollback: 'operator_rollback', 'expire-previous': 'operator_expire_previous' }
const actionForm = z.object({
  reason: z.string().trim().min(1).max(500),
  confirm: z.literal('yes'),
  idempotencyKey: z.string().min(1).max(255),
  // An empty field names no version.
  secretVersion: z.union([z.literal('').transform(() => undefined), z.coerce.number().int().min(0).max(2_147_483_647)]).optional(),
})

/**
 * The operator console: server-rendered pages (no script) behind a session cookie. A form is
 * refused unless the browser says it came from the console's own origin (crossOrigin), and unless
 * it carries the session's CSRF token (an HMAC of the session id); the sign-in form, before there
 * is a session, uses @fastify/csrf-protection's cookie. The runbook actions go through the same
 * rotation requests, worker, held-secret reveal and audit as /v1/admin/*.
 */
export const consoleRoutes: FastifyPluginAsync<ConsoleRoutesOptions> = async (app, { pool, config, rotationRequests, heldSecrets }) => {
  const pepper = config.API_KEY_PEPPER
  const deps = { pool, config, heldSecrets }
  const cookies = consoleCookies(config)
  await app.register(formbody)
  await app.register(csrf, { sessionPlugin: '@fastify/cookie', cookieKey: cookies.csrf, cookieOpts: cookies.options })

  app.addHook('onSend', browserPageHeaders({ 'content-security-policy': CSP, 'cache-control': 'no-store' }))

  const session = (request: FastifyRequest) => ({
    operator: request.operator.name,
    csrf: sessionCsrfToken(pepper, request.cookies[cookies.session]!),
  })
  const page = (reply: FastifyReply, body: string, status = 200) => reply.code(status).type('text/html; charset=utf-8').send(body)

  app.setErrorHandler(async (err: Error & { code?: string; statusCode?: number }, request, reply) => {
    let problem: AppError
    if (err instanceof AppError) problem = err
    else if (err.code === 'FST_CSRF_INVALID_TOKEN' || err.code === 'FST_CSRF_MISSING_SECRET') problem = csrfRefusal()
    else if (isDependencyError(err)) {
      problem = new AppError('DEPENDENCY_UNAVAILABLE', 'A service the console depends on did not answer. Nothing was changed; retry later.')
    } else {
      throw err // the API's error handler maps framework refusals and logs the unexpected
    }
    // A browser gets a page; anything else the API's problem+json from the same catalogue.
    if (!request.headers.accept?.includes('text/html')) return sendProblem(request, reply, problem)
    reply.headers({ ...problem.headers, 'x-error-code': problem.code })
    const signedIn = request.operator !== undefined
    return page(reply, errorPage({ status: problem.status, code: problem.code, title: problem.title, detail: problem.message },
      signedIn ? session(request) : undefined), problem.status)
  })

  /** Pages behind a session: a browser without one is sent to sign in. */
  const requireSession = async (request: FastifyRequest, reply: FastifyReply) => {
    if (await loadSessionOperator(pool, config, request)) return
    if (request.method === 'GET') return reply.redirect(`${CONSOLE_PATH}/sign-in`, 303)
    throw new AppError('OPERATOR_TOKEN_MISSING', 'Your console session ended. Sign in again.')
  }
  const requireSessionCsrf = async (request: FastifyRequest) => {
    const token = (request.body as Record<string, unknown> | undefined)?._csrf
    if (!isSessionCsrfToken(pepper, request.cookies[cookies.session], token)) throw csrfRefusal()
  }
  const protect = { onRequest: requireSession, preHandler: requireSessionCsrf }

  // Before any form is read: a form another site made the browser post is refused outright.
  app.addHook('onRequest', async (request) => {
    if (request.method === 'GET' || request.method === 'HEAD') return
    const refusal = crossOrigin(request, config.PUBLIC_URL)
    if (refusal) throw new AppError('CROSS_ORIGIN_REQUEST', `${refusal} Nothing was changed; open the console at its own address and submit the form from there.`)
    // Two cookies of one name: one was planted (a sibling subdomain can set them without __Host-).
    if (countCookies(request.headers.cookie, cookies.session) > 1 || countCookies(request.headers.cookie, cookies.csrf) > 1) throw csrfRefusal()
  })

  app.get('/console.css', async (_request, reply) => reply.type('text/css; charset=utf-8').send(CSS))

  app.get('/sign-in', async (_request, reply) => page(reply, signInPage({ csrf: reply.generateCsrf() })))

  app.post('/sign-in', { preHandler: app.csrfProtection }, async (request, reply) => {
    const token = String((request.body as Record<string, unknown> | undefined)?.token ?? '').trim()
    try {
      const operator = await authenticateOperator(pool, pepper, { authorization: `Bearer ${token}` })
      // A new session (and so a new CSRF token) at every sign-in; one this browser had ends.
      await closeOperatorSession(pool, pepper, request.cookies[cookies.session])
      const { sessionId } = await openOperatorSession(pool, pepper, operator, config.OPERATOR_SESSION_TTL_SECONDS)
      request.log.info({ operator: operator.name }, 'operator signed in to the console')
      reply.setCookie(cookies.session, sessionId, { ...cookies.options, maxAge: config.OPERATOR_SESSION_TTL_SECONDS })
      return reply.redirect(CONSOLE_PATH, 303)
    } catch (err) {
      if (!(err instanceof AppError)) throw err
      // Counted per address and per operator the token claims to be (its prefix), so failures spread
      // over many addresses against one operator are throttled too.
      const claimed = OPERATOR_TOKEN_PATTERN.test(token) ? await findOperatorNamesByTokenPrefix(pool, token.slice(0, OPERATOR_TOKEN_PREFIX_LENGTH)) : []
      await throttleAuthFailure(request, 'console_sign_in', err, claimed.map((name) => `operator:${name}`))
      const message = err.code === 'OPERATOR_TOKEN_REVOKED' ? 'This operator token was revoked.' : 'That is not a valid operator token.'
      return page(reply, signInPage({ csrf: reply.generateCsrf(), error: message }), 401)
    }
  })

  app.post('/sign-out', protect, async (request, reply) => {
    await closeOperatorSession(pool, pepper, request.cookies[cookies.session])
    reply.clearCookie(cookies.session, cookies.options)
    return reply.redirect(`${CONSOLE_PATH}/sign-in`, 303)
  })

  app.get('/', { onRequest: requireSession }, async (request, reply) => page(reply, homePage(session(request))))

  app.get('/keys', { onRequest: requireSession }, async (request, reply) => {
    const id = String((request.query as Record<string, unknown>).id ?? '').trim()
    return reply.redirect(`${CONSOLE_PATH}/keys/${encodeURIComponent(id)}`, 303)
  })

  app.get<{ Params: { keyId: string }; Querystring: { done?: string } }>('/keys/:keyId', { onRequest: requireSession }, async (request, reply) => {
    const { keyId } = request.params
    const key = UUID_PATTERN.test(keyId) ? await findApiKeyForOperator(pool, keyId, config.ROTATION_COOLDOWN_SECONDS) : undefined
    if (!key) throw new AppError('RESOURCE_NOT_FOUND', 'No such API key.')
    const [rotations, audit, events, signingSecrets] = await Promise.all([
      listRotations(pool, key.id, { limit: 10, after: null }, config.IDEMPOTENCY_RETENTION_SECONDS),
      listAuditEvents(pool, { apiKeyId: key.id, limit: 20, beforeId: null }),
      listWebhookEvents(pool, key.id, { limit: 10, statuses: null, after: null }),
      describeSigningSet(pool, { ...key, hasSecret: key.webhookUrl !== null && key.revokedAt === null }),
    ])
    const done = request.query.done
    // Own properties only: `constructor` or `toString` is `in` every object.
    const notice = isConsoleAction(done) ? `${ACTIONS[done].label}: done.` : done === 'acknowledged' ? 'Handed over: the held copy of the secret is erased.' : undefined
    const idempotencyKeys = { recover: randomUUID(), rollback: randomUUID(), 'expire-previous': randomUUID() }
    return page(reply, keyPage(session(request), { key, rotations: rotations.rows, audit: audit.rows, events: events.rows, idempotencyKeys, signingSecrets, notice }))
  })

  app.post<{ Params: { keyId: string; action: string } }>('/keys/:keyId/:action', protect, async (request, reply) => {
    const { keyId, action } = request.params
    if (!isConsoleAction(action)) throw new AppError('RESOURCE_NOT_FOUND', 'No such action.')
    if (!UUID_PATTERN.test(keyId) || !(await findApiKeyForOperator(pool, keyId, config.ROTATION_COOLDOWN_SECONDS))) throw new AppError('RESOURCE_NOT_FOUND', 'No such API key.')
    const form = actionForm.safeParse(request.body)
    if (!form.success) throw new AppError('VALIDATION_FAILED', 'Give a reason and tick the confirmation box.')
    // The form's idempotency key makes a double submit replay the same action instead of running a second one.
    request.headers['idempotency-key'] = form.data.idempotencyKey
    const { waited } = await requestAndWait(rotationRequests, deps, request, reply, {
      apiKeyId: keyId.toLowerCase(),
      kind: KINDS[action],
      reason: form.data.reason,
      actor: request.operator.name,
      targetSecretVersion: ACTIONS[action].names ? form.data.secretVersion ?? null : null,
    }, ADMIN_ROTATIONS_PATH)
    reply.removeHeader('location')
    reply.removeHeader('idempotent-replayed')
    if (waited.status === 'failed' || waited.status === 'rejected') throw refusalError(waited)
    if (waited.status !== 'succeeded') throw new AppError('ROTATION_NOT_FINISHED', `The action was accepted and is still running (rotation ${waited.id}). Reload the key page in a moment.`)
    const row = (await loadRotation(deps, waited.id, null))!
    // Marked delivered once the page carrying it was completely written, as the HTTP route does.
    const secret = row.kind === 'operator_recover' ? revealForResponse(heldSecrets, request, reply, row) : null
    if (secret !== null) return page(reply, recoveredPage(session(request), { keyId: row.apiKeyId, rotationId: row.id, secret }))
    return reply.redirect(`${CONSOLE_PATH}/keys/${row.apiKeyId}?done=${action}`, 303)
  })

  app.post<{ Params: { id: string } }>('/rotations/:id/acknowledge', protect, async (request, reply) => {
    const row = UUID_PATTERN.test(request.params.id) ? await findRotation(pool, request.params.id.toLowerCase(), null, config.IDEMPOTENCY_RETENTION_SECONDS) : undefined
    if (!row || isCustomersRotation(row.kind)) throw new AppError('RESOURCE_NOT_FOUND', 'No such operator rotation.')
    if (!TERMINAL_STATUSES.includes(row.status)) throw new AppError('ROTATION_NOT_FINISHED', 'This action has not finished yet.')
    await heldSecrets.acknowledge(row, requestActor(request))
    return reply.redirect(`${CONSOLE_PATH}/keys/${row.apiKeyId}?done=acknowledged`, 303)
  })
}

const csrfRefusal = () => new AppError('CSRF_TOKEN_INVALID', 'This form did not come from this console session, or it expired. Nothing was changed; reload the page and submit it again.')

/**
 * Why a state-changing request did not come from the console's own pages, or undefined when it
 * did (as Go's CrossOriginProtection decides). Sec-Fetch-Site is the browser's own verdict, and
 * `same-site` is refused: a sibling subdomain is same-site. Otherwise Origin must be the console's
 * (PUBLIC_URL, or the origin the request was made to); `null` is an opaque origin (a sandboxed
 * frame). Neither header: not a browser form, so the CSRF token alone decides.
 */
export function crossOrigin (request: FastifyRequest, publicOrigin: string | undefined) {
  const site = request.headers['sec-fetch-site']
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return `The browser says this form came from another site (Sec-Fetch-Site: ${site}).`
  const origin = request.headers.origin
  if (origin === undefined) return undefined
  const own = publicOrigin ?? originOf(`${request.protocol}://${request.host}`)
  if (originOf(origin) !== own) return `The form came from ${origin}, not from the console at ${own} (behind a proxy, set PUBLIC_URL to the console's address).`
  return undefined
}

/** `scheme://host[:port]` as browsers write it (no default port); `null` or garbage for no origin at all. */
function originOf (url: string) {
  try {
    return new URL(url).origin
  } catch {
    return 'null'
  }
}

/** How many cookies named `name` the Cookie header carries (the parser keeps only the first). */
function countCookies (header: string | undefined, name: string) {
  return (header ?? '').split(';').filter((pair) => pair.split('=', 1)[0]!.trim() === name).length
}
