import http from 'node:http'
import https from 'node:https'
import net from 'node:net'
import { createSafeLookup, isPublicAddress } from './address-policy.js'

export type SendResult =
  | { outcome: 'delivered'; statusCode: number }
  | { outcome: 'retry'; statusCode: number | null; error: string }
  | { outcome: 'fail'; statusCode: number | null; error: string }

export interface SendRequest {
  url: string
  body: string
  headers: Record<string, string>
  timeoutMs: number
  allowPrivateAddresses: boolean
}

const MAX_RESPONSE_BYTES = 64 * 1024

/** 2xx delivered; 408, 429 and 5xx retried; redirects and every other status failed for good. */
export function classifyStatus (statusCode: number): SendResult {
  if (statusCode >= 200 && statusCode < 300) return { outcome: 'delivered', statusCode }
  if (statusCode === 408 || statusCode === 429 || statusCode >= 500) return { outcome: 'retry', statusCode, error: `HTTP ${statusCode}` }
  if (statusCode >= 300 && statusCode < 400) return { outcome: 'fail', statusCode, error: `redirect not followed (HTTP ${statusCode})` }
  return { outcome: 'fail', statusCode, error: `HTTP ${statusCode}` }
}

const invalidUrl: SendResult = { outcome: 'fail', statusCode: null, error: 'invalid webhook URL' }

function parseTarget (raw: string): URL | null {
  try {
    const url = new URL(raw)
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null
  } catch {
    return null
  }
}

const NETWORK_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed while sending',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed temporarily',
}

/**
 * The text of a network error as the customer sees it: the error code and the host they configured.
 * Node's own messages name the address it connected to (`connect ECONNREFUSED 203.0.113.5:443`),
 * which would tell a customer how their name resolves inside this network; they are not used.
 */
function networkError (err: NodeJS.ErrnoException, host: string) {
  const code = err.code ?? 'ERROR'
  const what = NETWORK_ERRORS[code] ?? (/CERT|TLS|SSL/.test(code) ? 'TLS handshake failed' : 'network error')
  return `${code}: ${what} (${host})`
}

// Kept-alive connections, one pool per protocol and address policy. The address check runs in the
// lookup, which runs when a connection is opened, so a pooled connection only ever goes to an
// address that was checked then; a name that resolves elsewhere later (DNS rebinding) needs a new
// connection, which is checked again. Idle connections close after 4 s, before the 5 s keep-alive
// timeout of Node's (and many) servers, so a reused one is rarely closed under us.
const IDLE_SOCKET_MS = 4000
const agents = new Map<string, http.Agent>()
function agentFor (protocol: string, allowPrivate: boolean) {
  const key = `${protocol}${allowPrivate}`
  let agent = agents.get(key)
  if (!agent) {
    const options = { keepAlive: true, timeout: IDLE_SOCKET_MS, scheduling: 'lifo' as const, lookup: createSafeLookup(allowPrivate) }
    agent = protocol === 'https:' ? new https.Agent(options) : new http.Agent(options)
    agents.set(key, agent)
  }
  return agent
}

// A reused connection the receiver closed meanwhile fails before any answer; the request is sent
// again on a new one, as Node's documentation advises. Almost always the receiver closed it idle,
// before the request arrived; if it had taken the request, the resend is a duplicate its
// webhook-id lets it drop, as for any retried delivery.
const STALE_CONNECTION_ERRORS = new Set(['ECONNRESET', 'EPIPE'])
const STALE_RETRIES = 2

/**
 * POSTs a webhook body once, never following redirects. Non-public addresses are refused unless
 * allowed: IP literals here (Node skips `lookup` for them), names in the safe lookup when a
 * connection is opened. One timer covers connect and response. Error texts are stored and shown to
 * customers, so they are built only from status codes, error codes and the configured host: never
 * from headers, body or the address a name resolved to.
 */
export async function sendWebhook (req: SendRequest): Promise<SendResult> {
  for (let attempt = 0; ; attempt++) {
    const result = await sendOnce(req)
    if (result !== STALE || attempt >= STALE_RETRIES) return result === STALE ? staleResult(req) : result
  }
}

const STALE = Symbol('stale connection')
function staleResult (req: SendRequest): SendResult {
  const host = parseTarget(req.url)?.hostname ?? ''
  return { outcome: 'retry', statusCode: null, error: `ECONNRESET: connection reset (${host})` }
}

function sendOnce (req: SendRequest): Promise<SendResult | typeof STALE> {
  const url = parseTarget(req.url)
  if (!url) return Promise.resolve(invalidUrl)
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1')
  if (!req.allowPrivateAddresses && net.isIP(host) !== 0 && !isPublicAddress(host)) {
    return Promise.resolve({ outcome: 'fail', statusCode: null, error: `address not allowed: ${host} is not a public address` })
  }

  const body = Buffer.from(req.body, 'utf8')
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(req.headers)) {
    if (name.toLowerCase() !== 'content-length') headers[name] = value
  }
  headers['content-length'] = String(body.length)

  return new Promise((resolve) => {
    let settled = false
    let statusCode: number | null = null
    let request: http.ClientRequest | undefined
    // `keep`: the answer was read to its end, so the connection goes back to the pool.
    const settle = (result: SendResult | typeof STALE, keep = false) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      if (!keep) request?.destroy()
      resolve(result)
    }
    // Once a status line has arrived the receiver has processed the delivery; a stalled body does
    // not turn that answer into a retry (which would deliver twice).
    const timer = setTimeout(() => settle(statusCode !== null
      ? classifyStatus(statusCode)
      : { outcome: 'retry', statusCode: null, error: `timeout after ${req.timeoutMs} ms` }), req.timeoutMs)

    try {
      request = (url.protocol === 'https:' ? https : http).request(url, {
        method: 'POST',
        headers,
        agent: agentFor(url.protocol, req.allowPrivateAddresses),
      }, (response) => {
        statusCode = response.statusCode ?? 0
        const done = () => settle(classifyStatus(statusCode ?? 0))
        let received = 0
        response.on('data', (chunk: Buffer) => {
          received += chunk.length
          if (received >= MAX_RESPONSE_BYTES) done()
        })
        response.on('end', () => settle(classifyStatus(statusCode ?? 0), true))
        response.on('aborted', done)
        response.on('error', done)
      })
    } catch (err) {
      // Synchronous throws are invalid request options (e.g. a bad header); retrying cannot help.
      // Only the code is kept: some of these messages quote header values.
      const code = (err as NodeJS.ErrnoException).code ?? 'ERR_INVALID_REQUEST'
      return settle({ outcome: 'fail', statusCode: null, error: `invalid request: ${code}` })
    }

    request.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRNOTALLOWED') return settle({ outcome: 'fail', statusCode: null, error: `address not allowed: ${host} resolves to an address that is not public` })
      if (statusCode !== null) return settle(classifyStatus(statusCode))
      if (request?.reusedSocket && STALE_CONNECTION_ERRORS.has(err.code ?? '')) return settle(STALE)
      settle({ outcome: 'retry', statusCode: null, error: networkError(err, host) })
    })
    request.end(body)
  })
}
