import { randomUUID } from 'node:crypto'
import type { LostAnswer, ResettingProxy } from './resetting-proxy.js'

export const ROTATE_PATH = '/v1/auth/api-keys/me/webhook-secret/rotate'

export interface ResponseRecord { at: number; status: number; code: string | null }
export interface Intent {
  apiKeyId: string
  idempotencyKey: string
  /** Every 200's secret and rotation id (a replay must repeat them), received or lost after it was written. */
  secrets: Set<string>
  lostSecrets: Set<string>
  rotationIds: Set<string>
  /** `ANSWERS_LOST` (status 0): every answer was lost after it was written, and the SDK gave up. */
  final: { status: number; code: string | null } | null
  attempts: number
  aborted: boolean
  /** Its every attempt went through the resetting proxy. */
  lossy: boolean
}

/** A secret the customer holds or may hold, and since when (the harness's clock). */
export interface HeldSecret { secret: string; rotationId: string | null; since: number; how: 'issued' | 'received' | 'lost after it was written' }

export interface ClientKey {
  apiKey: string
  apiKeyId: string
  lastSecret: string
  /** Every secret this client received, or may have received (its answer was lost after the service wrote it). */
  held: HeldSecret[]
}

export const ANSWERS_LOST = 'ANSWERS_LOST'
// The upstream SDK's policy for network errors: the call and 3 retries, same Idempotency-Key, backoff 100·2^n ms.
const SDK_RETRIES = 3
const LOSSY_SHARE = 0.2

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function hold (key: ClientKey, held: HeldSecret) {
  if (!key.held.some((h) => h.secret === held.secret)) key.held.push(held)
}

/**
 * The upstream SDK behind a proxy that loses every answer after the service wrote it: the call and
 * its retries all end in a network error, and the SDK gives up (the application calls again later,
 * as a new intent). The proxy knows what the service answered: a 200's secret is one the customer
 * may hold, though it never got it.
 */
async function runLossyIntent (proxy: ResettingProxy, lostAnswers: LostAnswer[], key: ClientKey, intent: Intent) {
  for (let retry = 0; retry <= SDK_RETRIES; retry++) {
    if (retry > 0) await sleep(100 * 2 ** (retry - 1))
    intent.attempts++
    // The proxy never passes a byte on: every attempt ends in a network error.
    await fetch(`${proxy.url}${ROTATE_PATH}`, {
      method: 'POST', headers: { 'x-api-key': key.apiKey, 'idempotency-key': intent.idempotencyKey }, signal: AbortSignal.timeout(30_000),
    }).then((res) => res.body?.cancel(), () => {})
  }
  for (const a of lostAnswers) {
    if (a.idempotencyKey !== intent.idempotencyKey || a.secret === null || a.rotationId === null) continue
    intent.lostSecrets.add(a.secret)
    intent.rotationIds.add(a.rotationId)
    hold(key, { secret: a.secret, rotationId: a.rotationId, since: a.at, how: 'lost after it was written' })
  }
  intent.final = { status: 0, code: ANSWERS_LOST }
  return intent
}

/**
 * A customer's SDK: one rotation intent under its own Idempotency-Key, replayed with the same key
 * until a final answer. 202 and 503 (Postgres down, or a rotation still in progress) are not
 * final; neither is a connection error (the API was killed). About a third of first attempts are
 * aborted by the client after 0–300 ms, as a response lost before it was written would be. About
 * a fifth of intents go through the resetting proxy instead: every answer is lost after it was
 * written, and the SDK gives up after its retries.
 */
export async function runIntent (api: string, key: ClientKey, responses: ResponseRecord[], opts: { giveUpAt: number; proxy: ResettingProxy; lostAnswers: LostAnswer[]; lossy?: boolean }): Promise<Intent> {
  const lossy = opts.lossy ?? Math.random() < LOSSY_SHARE
  const intent: Intent = { apiKeyId: key.apiKeyId, idempotencyKey: randomUUID(), secrets: new Set(), lostSecrets: new Set(), rotationIds: new Set(), final: null, attempts: 0, aborted: false, lossy }
  if (lossy) return runLossyIntent(opts.proxy, opts.lostAnswers, key, intent)
  while (Date.now() < opts.giveUpAt) {
    intent.attempts++
    const abort = new AbortController()
    const abortFirst = intent.attempts === 1 && Math.random() < 1 / 3
    const timer = abortFirst ? setTimeout(() => { intent.aborted = true; abort.abort() }, Math.random() * 300) : undefined
    let res: Response
    let body: any
    try {
      res = await fetch(`${api}${ROTATE_PATH}`, {
        method: 'POST',
        headers: { 'x-api-key': key.apiKey, 'idempotency-key': intent.idempotencyKey },
        signal: abort.signal,
      })
      body = await res.json().catch(() => null)
    } catch {
      clearTimeout(timer)
      await sleep(abortFirst ? 0 : 200) // aborted on purpose, or the API is down: replay
      continue
    } finally {
      clearTimeout(timer)
    }
    const code: string | null = body?.code ?? null
    responses.push({ at: Date.now(), status: res.status, code })
    if (res.status === 200) {
      intent.secrets.add(body.webhookSecret.secret)
      intent.rotationIds.add(body.webhookSecret.rotationId)
      intent.final = { status: 200, code: null }
      key.lastSecret = body.webhookSecret.secret
      hold(key, { secret: body.webhookSecret.secret, rotationId: body.webhookSecret.rotationId, since: Date.now(), how: 'received' })
      return intent
    }
    if (res.status === 202 || res.status === 503 || res.status >= 500) {
      await sleep(Math.min(1000, Number(res.headers.get('retry-after') ?? 1) * 1000))
      continue
    }
    intent.final = { status: res.status, code }
    return intent
  }
  return intent
}
