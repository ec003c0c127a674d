import { randomUUID } from 'node:crypto'
import type pg from 'pg'
import { generateSigningKeyPair, signPayload, standardWebhookHeadersWithKeys, verifyStandardWebhookAsymmetric } from '@webhook-secret-rotation/signing'
import { generateWebhookSecret } from '../../src/crypto/tokens.js'
import type { SigningScheme } from '../../src/db/signing-keys-repository.js'
import { SIGNING_SCHEMES } from '../../src/domain/signing-keys.js'
import { testEventBody, timedDeliveries, type DeliveryRun } from './deliveries.js'
import type { BenchKey } from './infra.js'
import type { BenchReceiver } from './receiver.js'

export const SCHEME_PATH = '/v1/auth/api-keys/me/webhook-secret/scheme'

/** What every delivery of a key on each scheme must carry, as the bench receiver names it (signatureKind). */
export const EXPECTED_KIND: Record<SigningScheme, string> = { symmetric: 'v1+x-kash', asymmetric: 'v1a', both: 'v1+v1a+x-kash' }

/**
 * Switches each key to `scheme` through the API, as a customer does (PUT …/webhook-secret/scheme),
 * a few at a time; the current public key each answer shows, by key id.
 */
export async function switchSchemes (origin: string, keys: BenchKey[], scheme: SigningScheme, concurrency = 8): Promise<Map<string, string>> {
  const publicKeys = new Map<string, string>()
  let next = 0
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < keys.length) {
      const key = keys[next++]!
      const res = await fetch(`${origin}${SCHEME_PATH}`, {
        method: 'PUT',
        headers: { 'x-api-key': key.apiKey, 'content-type': 'application/json' },
        body: JSON.stringify({ scheme, reason: 'bench' }),
      })
      const body = await res.json() as { data?: { signingScheme: string; publicKeys: { publicKey: string; current: boolean }[] } }
      const current = body.data?.publicKeys.find((k) => k.current)
      if (res.status !== 200 || body.data?.signingScheme !== scheme || !current) throw new Error(`PUT ${SCHEME_PATH} to ${scheme} answered ${res.status}: ${JSON.stringify(body)}`)
      publicKeys.set(key.id, current.publicKey)
    }
  }))
  return publicKeys
}

export interface SchemeRun extends DeliveryRun {
  /** What the receiver got during this scheme's rounds, by signature kind (EXPECTED_KIND alone when all is well). */
  kinds: Record<string, number>
  /** Each round's deliveries/s, in run order. */
  rounds: number[]
  /** Whether the last v1a signature the receiver got verifies under the key's public key (null for v1 alone). */
  v1aVerified: boolean | null
}

function diff (after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(after).map(([k, n]) => [k, n - (before[k] ?? 0)]).filter(([, n]) => n !== 0))
}

/** The last delivery of `kind` verifies with the Standard Webhooks v1a verifier under its key's public key. */
function lastV1aVerifies (receiver: BenchReceiver, kind: string, publicKeys: Map<string, string>) {
  const sample = receiver.last(kind)
  if (!sample) return false
  const publicKey = publicKeys.get((JSON.parse(sample.body) as { data: { apiKeyId: string } }).data.apiKeyId)
  return publicKey !== undefined && verifyStandardWebhookAsymmetric(sample.body, sample.headers, [publicKey]).ok
}

/**
 * Deliveries of keys on each scheme, in mirrored rounds (v1, v1a, both, both, v1a, v1) of half of
 * `count` events each, so a load that rises or falls during the phase weighs on every scheme
 * alike. A scheme's rate is its delivered events over its rounds' time. Nothing else may deliver
 * to the receiver meanwhile: its tally over each round is what that round's deliveries carried.
 */
export async function schemeDeliveries (pool: pg.Pool, o: { redisUrl: string; prefix: string; count: number; receiver: BenchReceiver; sets: Record<SigningScheme, BenchKey[]>; publicKeys: Map<string, string> }) {
  const perRound = Math.max(1, Math.ceil(o.count / 2))
  const empty = (): SchemeRun => ({ delivered: 0, seconds: 0, perSecond: 0, kinds: {}, rounds: [], v1aVerified: null })
  const runs: Record<SigningScheme, SchemeRun> = { symmetric: empty(), asymmetric: empty(), both: empty() }
  for (const scheme of [...SIGNING_SCHEMES, ...SIGNING_SCHEMES.toReversed()]) {
    const before = o.receiver.kinds()
    const { delivered, seconds, perSecond } = await timedDeliveries(pool, { redisUrl: o.redisUrl, prefix: o.prefix, keys: o.sets[scheme], count: perRound })
    const run = runs[scheme]
    run.delivered += delivered
    run.seconds += seconds
    run.rounds.push(perSecond)
    for (const [kind, n] of Object.entries(diff(o.receiver.kinds(), before))) run.kinds[kind] = (run.kinds[kind] ?? 0) + n
  }
  for (const scheme of SIGNING_SCHEMES) {
    const run = runs[scheme]
    run.perSecond = run.seconds > 0 ? run.delivered / run.seconds : 0
    if (scheme !== 'symmetric') run.v1aVerified = lastV1aVerifies(o.receiver, EXPECTED_KIND[scheme], o.publicKeys)
  }
  return { perRound, eventsPerScheme: perRound * 2, runs }
}

/** What a scheme's deliveries did that they should not have ("3 × v1+x-kash", an unverified v1a signature), or ''. */
export function unexpectedDeliveries (scheme: SigningScheme, run: SchemeRun, expected: number) {
  return [
    ...Object.entries(run.kinds).filter(([kind]) => kind !== EXPECTED_KIND[scheme]).map(([kind, n]) => `${n} × ${kind}`),
    ...(run.delivered < expected ? [`${expected - run.delivered} undelivered`] : []),
    ...(run.v1aVerified === false ? ['v1a signature did not verify'] : []),
  ].join(', ')
}

/**
 * The CPU one delivery's signatures cost, per scheme, with the worker's own calls on a test event's
 * body and the current credentials only: v1 is X-Kash-Signature and a v1 entry (two HMAC-SHA256),
 * v1a one ed25519 signature (the private key read from its `whsk_` form each time, as the worker
 * does), both all three. Blocks of each alternate until each has run `durationMs`. µs per delivery.
 */
export function signingCost (durationMs: number): Record<SigningScheme, number> {
  const id = randomUUID()
  const body = testEventBody(id, randomUUID())
  const secret = generateWebhookSecret()
  const { privateKey } = generateSigningKeyPair()
  const credentials: Record<SigningScheme, { secrets: string[]; privateKeys: string[] }> = {
    symmetric: { secrets: [secret], privateKeys: [] },
    asymmetric: { secrets: [], privateKeys: [privateKey] },
    both: { secrets: [secret], privateKeys: [privateKey] },
  }
  const signOnce = (scheme: SigningScheme) => {
    const now = Date.now()
    const c = credentials[scheme]
    return [c.secrets.length > 0 ? signPayload(body, c.secrets, now) : null, standardWebhookHeadersWithKeys(id, body, c, now)]
  }
  const BLOCK = 200
  const spent = { symmetric: 0, asymmetric: 0, both: 0 }
  const count = { symmetric: 0, asymmetric: 0, both: 0 }
  for (const scheme of SIGNING_SCHEMES) for (let i = 0; i < BLOCK; i++) signOnce(scheme) // warm-up
  while (SIGNING_SCHEMES.some((s) => spent[s] < durationMs)) {
    for (const scheme of SIGNING_SCHEMES) {
      const t = performance.now()
      for (let i = 0; i < BLOCK; i++) signOnce(scheme)
      spent[scheme] += performance.now() - t
      count[scheme] += BLOCK
    }
  }
  return Object.fromEntries(SIGNING_SCHEMES.map((s) => [s, spent[s] * 1000 / count[s]])) as Record<SigningScheme, number>
}
