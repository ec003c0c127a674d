import type { AddressInfo } from 'node:net'
import fc from 'fast-check'
import { ERROR_CATALOGUE, isErrorCode } from '../../src/errors/catalogue.js'
import { pageForm, signIn } from '../fixtures/console.js'
import { createOperator } from '../fixtures/operators.js'
import { rawRequest, type RawResponse } from '../fixtures/raw-http.js'
import { buildTestContext, ROTATE_PATH, type TestContext } from '../helper.js'
import { describeRequest, fuzzRequests, serialize, type FuzzRequest, type RouteKind, type RouteTemplate } from './requests.js'

const FUZZ_ENV = {
  LOG_LEVEL: 'warn',
  RATE_LIMIT_PER_MINUTE: '100000000', // the limiter would otherwise answer most requests itself
  AUTH_FAILURES_PER_MINUTE: '100000000', // so would the throttle of refused credentials
  ROTATION_COOLDOWN_SECONDS: '1', // so that rotations really happen during the run
  DELIVERY_MAX_ATTEMPTS: '1',
  // A request announcing a body it never sends (a duplicated Transfer-Encoding: chunked) is
  // answered 408 after this rather than the production 30 s.
  REQUEST_TIMEOUT_MS: '3000',
}

function routeKind (path: string): RouteKind {
  if (path.startsWith('/v1/admin') || path.startsWith('/admin')) return 'operator'
  if (path.startsWith('/v1/auth/') || path.startsWith('/v1/webhooks')) return 'customer'
  return 'public'
}

/** Every route of the API table, from the generated OpenAPI document (the hidden ones are added by the arbitraries). */
async function routeTable (ctx: TestContext): Promise<RouteTemplate[]> {
  const doc = (await ctx.app.openapiDocument())() as { paths: Record<string, Record<string, unknown>> }
  return Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => ({ method: method.toUpperCase(), path, kind: routeKind(path) })))
}

/** A console session of a fuzz operator, signed in as a browser does. */
async function consoleSession (ctx: TestContext, keyId: string) {
  const operator = await createOperator(ctx, 'fuzz-operator')
  const { cookie } = await signIn(ctx, operator.token)
  const { csrf } = await pageForm(ctx, '/admin', cookie)
  return { cookie, csrf: csrf!, keyId }
}

interface KeyState { version: number; current: string; rotations: Array<{ id: string; status: string }> }

/** What the properties say about one answer; an empty list is a pass. */
function responseViolations (req: FuzzRequest, res: RawResponse): string[] {
  const problems: string[] = []
  if (res.status >= 500) problems.push(`status ${res.status}`)
  if (res.status < 400) return problems
  const code = res.headers['x-error-code']
  if (!code || !isErrorCode(code)) problems.push(`error without a catalogue X-Error-Code (${code})`)
  if (!res.headers['x-request-id']) problems.push('error without X-Request-ID')
  if (req.method === 'HEAD') return problems
  if (isConsolePage(req, res)) {
    // The console answers a browser with an error page carrying the same catalogue code.
    if (code && isErrorCode(code) && ERROR_CATALOGUE[code].status !== res.status) problems.push(`page code ${code} does not match status ${res.status}`)
    return problems
  }
  if (!/^application\/problem\+json/.test(res.headers['content-type'] ?? '')) problems.push(`error content-type ${res.headers['content-type']}`)
  let body: Record<string, unknown> = {}
  try {
    body = JSON.parse(res.body) as Record<string, unknown>
  } catch {
    problems.push(`error body is not JSON: ${res.body.slice(0, 200)}`)
  }
  if (typeof body.code !== 'string' || !isErrorCode(body.code)) problems.push(`body code ${String(body.code)} is not in the catalogue`)
  else if (ERROR_CATALOGUE[body.code].status !== res.status || body.status !== res.status) problems.push(`body code ${body.code} does not match status ${res.status}`)
  if (body.code !== code) problems.push('X-Error-Code differs from the body\'s code')
  if (body.requestId !== res.headers['x-request-id']) problems.push('requestId differs from X-Request-ID')
  return problems
}

function isConsolePage (req: FuzzRequest, res: RawResponse) {
  const acceptsHtml = req.headers.some(([name, value]) => name.toLowerCase() === 'accept' && value.includes('text/html'))
  return req.target.startsWith('/admin/') && acceptsHtml && /^text\/html/.test(res.headers['content-type'] ?? '')
}

/** The rotation id a response answered with, if it answered as a rotation. */
function answeredRotation (req: FuzzRequest, res: RawResponse): string | undefined {
  if (req.method !== 'POST' || !req.target.startsWith(ROTATE_PATH) || (res.status !== 200 && res.status !== 202)) return undefined
  const body = JSON.parse(res.body) as { webhookSecret?: { rotationId?: string }; rotation?: { id?: string } }
  return body.webhookSecret?.rotationId ?? body.rotation?.id
}

export interface FuzzSummary {
  requests: number
  byStatus: Record<string, number>
  byCode: Record<string, number>
  rotationsAnswered: number
  secretVersion: number
  seed: number
  failure?: string
}

/**
 * Runs `numRuns` fuzzed requests over real sockets against a listening API (with its worker), and
 * checks after each: no 5xx, errors are problem+json from the catalogue with a request id, and the
 * fuzz key's secret changed only through rotations some request was answered with. fast-check
 * shrinks a failure to a small request; the summary's `failure` prints it as sent on the wire.
 */
export async function runFuzz ({ databaseUrl, numRuns, seed = Date.now() % 2 ** 31 }: { databaseUrl: string; numRuns: number; seed?: number }): Promise<FuzzSummary> {
  const ctx = await buildTestContext({ databaseUrl, env: FUZZ_ENV })
  await ctx.app.listen({ port: 0, host: '127.0.0.1' })
  const port = (ctx.app.server.address() as AddressInfo).port
  const key = await ctx.createKey({ webhookUrl: 'https://hooks.example.invalid/kash' })
  const consoleCredentials = await consoleSession(ctx, key.apiKeyId)
  const answered = new Set<string>()
  const summary: FuzzSummary = { requests: 0, byStatus: {}, byCode: {}, rotationsAnswered: 0, secretVersion: 1, seed }

  async function keyState (): Promise<KeyState> {
    // One statement, one snapshot: the worker commits a rotation and the new version together.
    const { rows: [k] } = await ctx.pool.query(
      `select secret_version, webhook_secret,
              coalesce((select json_agg(json_build_object('id', r.id, 'status', r.status)) from webhook_secret_rotations r where r.api_key_id = k.id), '[]') as rotations
       from api_keys k where id = $1`, [key.apiKeyId])
    return { version: k.secret_version, current: k.webhook_secret, rotations: k.rotations }
  }
  /** The secret changes only through rotations that requests were answered with, one version each. */
  function stateViolations (before: KeyState, after: KeyState): string[] {
    const problems: string[] = []
    const succeeded = after.rotations.filter((r) => r.status === 'succeeded')
    const unanswered = succeeded.filter((r) => !answered.has(r.id))
    if (unanswered.length > 0) problems.push(`rotations succeeded that no request was answered with: ${unanswered.map((r) => r.id).join(', ')}`)
    if (after.version !== 1 + succeeded.length) problems.push(`secret version ${after.version} after ${succeeded.length} succeeded rotations`)
    if (after.current !== before.current && after.version === before.version) problems.push('the secret changed without a new version')
    return problems
  }

  let state = await keyState()
  const property = fc.asyncProperty(fuzzRequests(await routeTable(ctx), { apiKey: key.apiKey, console: consoleCredentials }), async (req) => {
    const res = await rawRequest(port, serialize(req), { head: req.method === 'HEAD', timeoutMs: 45_000 })
    summary.requests++
    summary.byStatus[res.status] = (summary.byStatus[res.status] ?? 0) + 1
    const code = res.headers['x-error-code']
    if (code) summary.byCode[code] = (summary.byCode[code] ?? 0) + 1
    const problems = responseViolations(req, res)
    const rotationId = problems.length === 0 ? answeredRotation(req, res) : undefined
    if (rotationId) answered.add(rotationId)
    const after = await keyState()
    problems.push(...stateViolations(state, after))
    state = after
    if (problems.length > 0) throw new Error(`${problems.join('; ')}\nanswer: ${res.status} ${res.body.slice(0, 300)}`)
  })

  const details = await fc.check(property, { numRuns, seed, endOnFailure: false })
  const health = await rawRequest(port, 'GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n')
  summary.rotationsAnswered = answered.size
  summary.secretVersion = state.version
  if (details.failed) {
    const request = details.counterexample?.[0]
    summary.failure = [
      `property failed after ${details.numRuns} runs (seed ${details.seed}, path "${details.counterexamplePath}"): ${String(details.errorInstance instanceof Error ? details.errorInstance.message : details.errorInstance)}`,
      'shrunk request:',
      request ? describeRequest(request) : '(none)',
    ].join('\n')
  } else if (health.status !== 200) {
    summary.failure = `the API stopped answering /v1/health (${health.status})`
  }
  return summary
}

export function formatSummary (s: FuzzSummary) {
  const table = (rec: Record<string, number>) => Object.entries(rec).sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `    ${k.padEnd(34)} ${n}`).join('\n')
  return [
    `fuzz: ${s.requests} requests, seed ${s.seed}, ${s.failure ? 'FAILED' : 'all properties held'}`,
    `  rotations answered: ${s.rotationsAnswered}, fuzz key's secret version: ${s.secretVersion}`,
    '  by status:', table(s.byStatus),
    '  by error code:', table(s.byCode),
    ...(s.failure ? ['', s.failure] : []),
  ].join('\n')
}
