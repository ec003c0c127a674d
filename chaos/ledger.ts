import type pg from 'pg'
import { verifySignature } from '@webhook-secret-rotation/signing'
import { ANSWERS_LOST, type ClientKey, type HeldSecret, type Intent, type ResponseRecord } from './client.js'
import type { UnexpectedExit } from './processes.js'
import type { Delivery, startReceiver } from './receiver.js'

export interface LedgerInput {
  api: string
  pool: pg.Pool
  keys: ClientKey[]
  intents: Intent[]
  responses: ResponseRecord[]
  receiver: Awaited<ReturnType<typeof startReceiver>>
  outages: { what: string; from: number; to: number }[]
  unexpected: UnexpectedExit[]
  /** SIGNING_SECRETS_MAX: the current secret and the retained ones that sign each delivery. */
  signingSecretsMax: number
  /** The load alone, then the load under faults (harness clock, ms). */
  phases: { calm: Window; chaos: Window }
  /** Hold the throughput floor (the full run); the short run only reports it. */
  throughputFloor: boolean
}
interface Window { from: number; to: number }

/** A figure; `must` is the value it must have, `atLeast` its floor. */
interface Row { label: string; value: number; must?: number; atLeast?: number }
const holds = (r: Row) => (r.must === undefined || r.value === r.must) && (r.atLeast === undefined || r.value >= r.atLeast)
export const verdict = (r: Row) => r.must === undefined && r.atLeast === undefined ? '' : holds(r) ? '  ok' : '  FAIL'

// Under faults the service must keep at least this share of its calm throughput.
const CHAOS_THROUGHPUT_FLOOR = 0.5

// 503s are expected while Postgres is down, and for a moment after (the pools reconnect).
const RECOVERY_MS = 5000
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const verifiesUnder = (d: Delivery, secret: string) => verifySignature(d.body, d.signature, [secret], { toleranceMs: Number.MAX_SAFE_INTEGER }).ok

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

interface RetainedRow {
  api_key_id: string
  rotation_id: string | null
  secret_version: number
  confirmed: boolean
  retained_since: Date
  retained_until: Date
  ended_at: Date | null
  ended_reason: string | null
}

/**
 * Whether the bound explains a secret it dropped: when it went, at least `maxRetained` other
 * secrets of its key stayed in force, and a newer confirmed one among them if it was confirmed
 * (the bound drops the oldest, never the newest confirmed one).
 */
function explainedByBound (row: RetainedRow, keyRows: RetainedRow[], maxRetained: number) {
  const t = row.ended_at!.getTime()
  const stayed = keyRows.filter((o) => o !== row && o.retained_since.getTime() <= t && o.retained_until.getTime() > t && (o.ended_at === null || o.ended_at.getTime() > t))
  return stayed.length >= maxRetained && (!row.confirmed || stayed.some((o) => o.confirmed && o.secret_version > row.secret_version))
}

/**
 * Every delivery must verify under every secret its client may hold (received, or its answer lost
 * after it was written) that existed when the event was made: the secret the event announces, and
 * every one a response carried before. Deliveries are signed when sent, with the secrets then in
 * force; a secret stops signing only when its window ends, an operator expires it, or the bound
 * (SIGNING_SECRETS_MAX) drops it — only such an end before the delivery arrived excuses it, and a
 * drop the bound does not explain excuses nothing. A delivery signed only with newer secrets while
 * an older one the client may hold is in its window is a failure: nothing else may push a secret out.
 */
async function checkDeliveries (pool: pg.Pool, keys: ClientKey[], receiver: LedgerInput['receiver'], maxRetained: number, notes: string[]) {
  const { rows: events } = await pool.query<{ id: string; created_at: Date; sign_with: string }>('select id, created_at, sign_with from webhook_events')
  const eventRows = new Map(events.map((e) => [e.id, e]))
  const { rows: retained } = await pool.query<RetainedRow>(
    `select s.api_key_id, s.rotation_id, s.secret_version, (s.confirmed_at is not null or r.secret_confirmed_at is not null) as confirmed,
            s.retained_since, s.retained_until, s.ended_at, s.ended_reason
     from retained_webhook_secrets s left join webhook_secret_rotations r on r.id = s.rotation_id`)
  // A held secret's retained row: by its rotation, or (no rotation) the key's first secret; chaos has no rollbacks.
  const retainedRows = new Map(retained.map((r) => [`${r.api_key_id}/${r.rotation_id}`, r]))
  const retainedRow = (keyId: string, h: HeldSecret) => retainedRows.get(`${keyId}/${h.rotationId}`)
  const { rows: marks } = await pool.query<{ id: string; written: boolean }>(
    "select id, secret_first_delivered_at is not null as written from webhook_secret_rotations where kind = 'customer'")
  const written = new Map(marks.map((m) => [m.id, m.written]))
  // Stopped signing before the delivery arrived, for a reason that may stop it: its window, an operator, the bound.
  const endedBefore = (row: RetainedRow | undefined, at: number) => !!row && (
    row.retained_until.getTime() <= at ||
    (row.ended_at !== null && row.ended_at.getTime() <= at && (
      ['window_passed', 'expired_by_operator', 'key_revoked'].includes(row.ended_reason ?? '') ||
      (row.ended_reason === 'bound' && explainedByBound(row, retained.filter((o) => o.api_key_id === row.api_key_id), maxRetained)))))
  const keyById = new Map(keys.map((k) => [k.apiKeyId, k]))

  let checked = 0
  let missing = 0
  let pastBound = 0
  let markedUnwritten = 0
  for (const [eventId, event] of receiver.events) {
    const key = keyById.get(event.apiKeyId)
    const row = eventRows.get(eventId)
    // A test delivery signed `current` alone is the stale-client check, not this one.
    if (!key || !row || row.sign_with !== 'both') continue
    const required = key.held.filter((h) => h.since < row.created_at.getTime() || (event.rotationId !== null && h.rotationId === event.rotationId))
    for (const d of event.deliveries) {
      checked++
      const unsigned: HeldSecret[] = []
      let bounded = false
      let unwritten = false
      for (const h of required) {
        if (endedBefore(retainedRow(key.apiKeyId, h), d.at)) bounded = true
        else if (verifiesUnder(d, h.secret)) continue
        // The API died between writing the answer and recording it: the documented safe side
        // (docs/lost-responses.md, "Not guaranteed"), so the next rotation discarded that secret.
        else if (h.rotationId !== null && written.get(h.rotationId) === false) unwritten = true
        else unsigned.push(h)
      }
      if (bounded) pastBound++
      if (unwritten) markedUnwritten++
      if (unsigned.length === 0) continue
      missing++
      for (const h of unsigned) {
        const r = retainedRow(key.apiKeyId, h)
        const cause = r ? `retained${r.ended_reason ? `, ended (${r.ended_reason}${r.ended_reason === 'bound' ? ', not explained by it' : ''}) at ${r.ended_at!.toISOString()}` : ''}` : 'never retained'
        notes.push(`unsigned: a ${event.type} delivery (event ${eventId}, key ${key.apiKeyId}) does not verify under a secret its client ${h.how === 'lost after it was written' ? 'may hold (its answer was lost after it was written)' : h.how === 'issued' ? 'was issued' : 'received'} (rotation ${h.rotationId ?? 'none'}: ${cause})`)
      }
    }
  }
  return { checked, missing, pastBound, markedUnwritten }
}

/** Customer rotations that succeeded within the window, per minute (Postgres' completion time). */
async function finishedPerMinute (pool: pg.Pool, w: Window) {
  const { rows: [r] } = await pool.query<{ n: number }>(
    `select count(*)::int as n from webhook_secret_rotations
     where status = 'succeeded' and kind = 'customer' and completed_at >= to_timestamp($1 / 1000.0) and completed_at < to_timestamp($2 / 1000.0)`,
    [w.from, w.to])
  return Math.round(r!.n / ((w.to - w.from) / 60_000))
}

/** The figures that must balance after the run, and the ones that describe it. */
export async function ledger ({ api, pool, keys, intents, responses, receiver, outages, unexpected, signingSecretsMax, phases, throughputFloor }: LedgerInput) {
  const notes: string[] = []
  const { rows: [open] } = await pool.query<{ n: number }>("select count(*)::int as n from webhook_secret_rotations where status in ('queued', 'processing')")
  const unanswered = intents.filter((i) => i.final === null).length
  const lost = open!.n + unanswered

  const { rows: [twice] } = await pool.query<{ n: number }>(
    `select count(*)::int as n from (select 1 from webhook_secret_rotations where status = 'succeeded' and idempotency_key is not null
     group by api_key_id, idempotency_key having count(*) > 1) d`)
  const splitIntents = intents.filter((i) => new Set([...i.secrets, ...i.lostSecrets]).size > 1 || i.rotationIds.size > 1).length
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

  // Every succeeded rotation's announcement must reach its client verifiable under a secret the
  // client holds or may hold (a response the client never got still counts: the service wrote it).
  const { rows: succeeded } = await pool.query<{ id: string; api_key_id: string; written: boolean }>(
    "select id, api_key_id, secret_first_delivered_at is not null as written from webhook_secret_rotations where status = 'succeeded' and kind = 'customer'")
  let undelivered = 0
  for (const { id, api_key_id: keyId } of succeeded) {
    const event = receiver.byRotation(id)
    const held = keys.find((k) => k.apiKeyId === keyId)?.held ?? []
    if (event?.[1].deliveries.some((d) => held.some((h) => verifiesUnder(d, h.secret)))) continue
    undelivered++
    notes.push(`undelivered: rotation ${id} (${!event ? 'no event received' : 'no delivery valid under a secret its client holds or may hold'})`)
  }
  const deliveries = await checkDeliveries(pool, keys, receiver, signingSecretsMax - 1, notes)

  const pgDown = outages.filter((o) => o.what === 'Postgres')
  const during = (at: number) => pgDown.some((o) => at >= o.from && at <= o.to + RECOVERY_MS)
  const bad5xx = responses.filter((r) => r.status >= 500 && !(r.status === 503 && (during(r.at) || r.code === 'ROTATION_IN_PROGRESS')))
  for (const r of bad5xx.slice(0, 5)) notes.push(`5xx: ${r.status} ${r.code} at +${r.at}`)

  // A rotation still in progress after the full sync wait is a stall; only an outage (and the
  // moment its clients take to reconnect) excuses one.
  const inAnyOutage = (at: number) => outages.some((o) => at >= o.from && at <= o.to + RECOVERY_MS)
  const stalled = responses.filter((r) => r.code === 'ROTATION_IN_PROGRESS' && !inAnyOutage(r.at))
  for (const r of stalled.slice(0, 5)) notes.push(`stall: 503 ROTATION_IN_PROGRESS at +${r.at - phases.calm.from} ms, outside any outage`)
  const calmRate = await finishedPerMinute(pool, phases.calm)
  const chaosRate = await finishedPerMinute(pool, phases.chaos)

  const count = (f: (i: Intent) => boolean) => intents.filter(f).length
  const heldOnly = (how: HeldSecret['how']) => keys.reduce((n, k) => n + k.held.filter((h) => h.how === how).length, 0)
  const rows: Row[] = [
    { label: 'intents', value: intents.length },
    { label: '  answered 200 (rotated)', value: count((i) => i.final?.status === 200) },
    { label: '  answered 429 (cooldown)', value: count((i) => i.final?.status === 429) },
    { label: '  every answer lost after it was written (the SDK gave up)', value: count((i) => i.final?.code === ANSWERS_LOST) },
    { label: '  first attempt aborted by the client', value: count((i) => i.aborted) },
    { label: '  replays (attempts after the first)', value: intents.reduce((n, i) => n + i.attempts - 1, 0) },
    { label: 'succeeded rotations (Postgres)', value: succeeded.length },
    { label: '  secret only in answers lost after they were written (may be held)', value: heldOnly('lost after it was written') },
    { label: '  secret in no written answer (the delivered rule discards it)', value: succeeded.filter((r) => !r.written).length },
    { label: '503 while Postgres was down', value: responses.filter((r) => r.status === 503 && during(r.at)).length },
    { label: 'lost', value: lost, must: 0 },
    { label: 'doubled', value: doubled, must: 0 },
    { label: 'stale clients', value: staleKeys + gone410, must: 0 },
    { label: 'undelivered', value: undelivered, must: 0 },
    { label: 'deliveries checked against every secret their client may hold', value: deliveries.checked },
    { label: '  missing a secret the client may hold', value: deliveries.missing, must: 0 },
    { label: '  without an older secret the bound had dropped (SIGNING_SECRETS_MAX)', value: deliveries.pastBound },
    { label: '  without a secret recorded as never written (API killed between the write and the mark)', value: deliveries.markedUnwritten },
    { label: '5xx other than 503 while Postgres was down', value: bad5xx.length, must: 0 },
    { label: 'sync rotates answered 503 ROTATION_IN_PROGRESS outside an outage', value: stalled.length, must: 0 },
    { label: 'rotations finished per minute, calm', value: calmRate },
    { label: 'rotations finished per minute, during chaos', value: chaosRate },
    {
      label: `  during chaos ÷ calm, in % (${throughputFloor ? 'at least' : 'the full run holds it to'} ${CHAOS_THROUGHPUT_FLOOR * 100})`,
      value: calmRate === 0 ? 0 : Math.round(100 * chaosRate / calmRate),
      ...(throughputFloor ? { atLeast: CHAOS_THROUGHPUT_FLOOR * 100 } : {}),
    },
    { label: 'unexpected process exits', value: unexpected.length, must: 0 },
    { label: 'other final answers (not 200/429, not all lost)', value: count((i) => i.final !== null && i.final.status !== 200 && i.final.status !== 429 && i.final.code !== ANSWERS_LOST), must: 0 },
  ]
  return { rows, notes: notes.slice(0, 20), ok: rows.every(holds) }
}
