import type pg from 'pg'
import { verifySignature } from '@webhook-secret-rotation/signing'
import type { ClientKey, Intent, ResponseRecord } from './client.js'
import type { UnexpectedExit } from './processes.js'
import type { startReceiver } from './receiver.js'

export interface LedgerInput {
  api: string
  pool: pg.Pool
  keys: ClientKey[]
  intents: Intent[]
  responses: ResponseRecord[]
  receiver: Awaited<ReturnType<typeof startReceiver>>
  outages: { what: string; from: number; to: number }[]
  unexpected: UnexpectedExit[]
}

interface Row { label: string; value: number; must?: number }

// 503s are expected while Postgres is down, and for a moment after (the pools reconnect).
const RECOVERY_MS = 5000
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A test delivery signed `current` for the key, as the receiver got it; null if it never came. */
async function testDelivery (api: string, key: ClientKey, receiver: LedgerInput['receiver']) {
  const res = await fetch(`${api}/v1/auth/api-keys/me/webhook-secret/test-delivery`, {
    method: 'POST', headers: { 'x-api-key': key.apiKey, 'content-type': 'application/json' }, body: JSON.stringify({ sign: 'current' }),
  })
  if (res.status !== 202) return null
  const eventId = ((await res.json()) as { event: { id: string } }).event.id
  for (let i = 0; i < 300 && !receiver.events.has(eventId); i++) await sleep(100)
  return receiver.events.get(eventId)?.deliveries[0] ?? null
}

/** The figures that must balance after the run, and the ones that describe it. */
export async function ledger ({ api, pool, keys, intents, responses, receiver, outages, unexpected }: LedgerInput) {
  const notes: string[] = []
  const { rows: [open] } = await pool.query<{ n: number }>("select count(*)::int as n from webhook_secret_rotations where status in ('queued', 'processing')")
  const unanswered = intents.filter((i) => i.final === null).length
  const lost = open!.n + unanswered

  const { rows: [twice] } = await pool.query<{ n: number }>(
    `select count(*)::int as n from (select 1 from webhook_secret_rotations where status = 'succeeded' and idempotency_key is not null
     group by api_key_id, idempotency_key having count(*) > 1) d`)
  const splitIntents = intents.filter((i) => i.secrets.size > 1 || i.rotationIds.size > 1).length
  const doubled = twice!.n + splitIntents

  let staleKeys = 0
  for (const key of keys) {
    const delivery = await testDelivery(api, key, receiver)
    if (!delivery || !verifySignature(delivery.body, delivery.signature, [key.lastSecret]).ok) {
      staleKeys++
      notes.push(`stale: key ${key.apiKeyId}'s last received secret does not verify its test delivery (${delivery ? 'signature mismatch' : 'never delivered'})`)
    }
  }
  const gone410 = responses.filter((r) => r.status === 410).length

  const secretOf = new Map<string, string>()
  for (const i of intents) for (const id of i.rotationIds) secretOf.set(id, [...i.secrets][0]!)
  // Deliveries are signed when sent, with the secrets in force then: an event that went out after
  // its key rotated twice more, or once more when that rotation discarded this one's secret as
  // undelivered (the API killed between writing the answer and marking it), carries only later
  // secrets. Verifying under one of those proves it was sent, after them; it is counted apart.
  const { rows: succeeded } = await pool.query<{ id: string; api_key_id: string }>(
    "select id, api_key_id from webhook_secret_rotations where status = 'succeeded' and kind = 'customer' order by completed_at desc")
  const laterSecrets = new Map<string, string[]>() // rotation id → its key's secrets from later rotations
  const seenByKey = new Map<string, string[]>()
  for (const { id, api_key_id: keyId } of succeeded) { // newest first
    const seen = seenByKey.get(keyId) ?? []
    laterSecrets.set(id, [...seen])
    const secret = secretOf.get(id)
    if (secret) seenByKey.set(keyId, [...seen, secret])
  }
  const verifies = (event: ReturnType<typeof receiver.byRotation>, secrets: string[]) => secrets.length > 0 &&
    !!event?.[1].deliveries.some((d) => verifySignature(d.body, d.signature, secrets, { toleranceMs: Number.MAX_SAFE_INTEGER }).ok)
  let undelivered = 0
  let signedLater = 0
  for (const { id } of succeeded) {
    const secret = secretOf.get(id)
    const event = receiver.byRotation(id)
    if (secret && verifies(event, [secret])) continue
    if (secret && verifies(event, laterSecrets.get(id)!)) {
      signedLater++
      continue
    }
    undelivered++
    notes.push(`undelivered: rotation ${id} (${!secret ? 'no client received its secret' : !event ? 'no event received' : 'no delivery valid under its secret or a later one of its key'})`)
  }

  const pgDown = outages.filter((o) => o.what === 'Postgres')
  const during = (at: number) => pgDown.some((o) => at >= o.from && at <= o.to + RECOVERY_MS)
  const bad5xx = responses.filter((r) => r.status >= 500 && !(r.status === 503 && (during(r.at) || r.code === 'ROTATION_IN_PROGRESS')))
  for (const r of bad5xx.slice(0, 5)) notes.push(`5xx: ${r.status} ${r.code} at +${r.at}`)

  const count = (f: (i: Intent) => boolean) => intents.filter(f).length
  const rows: Row[] = [
    { label: 'intents', value: intents.length },
    { label: '  answered 200 (rotated)', value: count((i) => i.final?.status === 200) },
    { label: '  answered 429 (cooldown)', value: count((i) => i.final?.status === 429) },
    { label: '  first attempt aborted by the client', value: count((i) => i.aborted) },
    { label: '  replays (attempts after the first)', value: intents.reduce((n, i) => n + i.attempts - 1, 0) },
    { label: 'succeeded rotations (Postgres)', value: succeeded.length },
    { label: '503 while Postgres was down', value: responses.filter((r) => r.status === 503 && during(r.at)).length },
    { label: 'lost', value: lost, must: 0 },
    { label: 'doubled', value: doubled, must: 0 },
    { label: 'stale clients', value: staleKeys + gone410, must: 0 },
    { label: 'undelivered', value: undelivered, must: 0 },
    { label: '  sent after later rotations (newer secrets only)', value: signedLater },
    { label: '5xx other than 503 while Postgres was down', value: bad5xx.length, must: 0 },
    { label: 'unexpected process exits', value: unexpected.length, must: 0 },
    { label: 'other final answers (not 200/429)', value: count((i) => i.final !== null && i.final.status !== 200 && i.final.status !== 429), must: 0 },
  ]
  return { rows, notes: notes.slice(0, 20), ok: rows.every((r) => r.must === undefined || r.value === r.must) }
}
