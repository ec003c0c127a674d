import { randomUUID } from 'node:crypto'

export const ROTATE_PATH = '/v1/auth/api-keys/me/webhook-secret/rotate'

export interface ResponseRecord { at: number; status: number; code: string | null }
export interface Intent {
  apiKeyId: string
  idempotencyKey: string
  /** Every 200's secret and rotation id (a replay must repeat them). */
  secrets: Set<string>
  rotationIds: Set<string>
  final: { status: number; code: string | null } | null
  attempts: number
  aborted: boolean
}

export interface ClientKey { apiKey: string; apiKeyId: string; lastSecret: string }

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * A customer's SDK: one rotation intent under its own Idempotency-Key, replayed with the same key
 * until a final answer. 202 and 503 (Postgres down, or a rotation still in progress) are not
 * final; neither is a connection error (the API was killed). About a third of first attempts are
 * aborted by the client after 0–300 ms, as a lost response would be.
 */
export async function runIntent (api: string, key: ClientKey, responses: ResponseRecord[], opts: { giveUpAt: number }): Promise<Intent> {
  const intent: Intent = { apiKeyId: key.apiKeyId, idempotencyKey: randomUUID(), secrets: new Set(), rotationIds: new Set(), final: null, attempts: 0, aborted: false }
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
