import { randomUUID } from 'node:crypto'
import createClient from 'openapi-fetch'
import { RotationClientError } from './errors.js'
import type { paths } from './openapi-types.js'
import { checkStateOwner, clearState, keyFingerprint, normalizeApiUrl, pickupStateSchema, readState, writeState, type RotationState } from './state-file.js'

const ROTATE = '/v1/auth/api-keys/me/webhook-secret/rotate'
const ROTATION = '/v1/auth/api-keys/me/webhook-secret/rotations/{id}'
const ACKNOWLEDGE = '/v1/auth/api-keys/me/webhook-secret/rotations/{id}/acknowledge'
const ROTATIONS = '/v1/auth/api-keys/me/webhook-secret/rotations'
const METADATA = '/v1/auth/api-keys/me/webhook-secret'
const UUID_AT_END = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/?$/i
// The service's format for X-API-Key (a key of another shape is refused before any lookup).
const API_KEY_FORMAT = /^kash_(live|test)_[0-9A-Za-z]{32}$/
// Connection failures that prove the request never left: no answer was lost.
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL'])

/** fetch's `TypeError: fetch failed` carries the socket's error as its cause (maybe an AggregateError). */
function notSentCode (err: unknown): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown; message?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && NOT_SENT.has(e.code)) return e.code
    // fetch never connects to ports browsers block (6000, 6667…): a wrong --api-url too.
    if (e.message === 'bad port') return 'a port fetch refuses to use'
  }
  return undefined
}

export interface RotationClientOptions {
  apiUrl: string
  apiKey: string
  /** One request's timeout; past it the request is replayed with the same Idempotency-Key (default 40 s, above the service's longest wait). */
  requestTimeoutMs?: number
  /** How long to keep retrying timeouts, 5xx and network errors before giving up (default 15 min). */
  giveUpAfterMs?: number
  fetch?: typeof globalThis.fetch
}

/** The public key a rotation made, when the API key signs with ed25519 (v1a): nothing secret. */
export interface RotatedSigningKey { keyVersion: number; kid: string; publicKey: string }

export interface RotatedSecret {
  secret: string
  rotationId: string
  rotatedAt: string
  previousRetainedUntil: string
  /** With the `both` scheme, the new key pair's public key too. */
  signingKey?: RotatedSigningKey
}

/**
 * What rotateSecret returns: the rotation, never the secret. A key that signs with ed25519 only
 * hands over nothing secret: onSecret is not called, and `signingKey` is the new public key.
 */
export interface RotationDone { rotationId: string; rotatedAt: string; previousRetainedUntil: string | null; signingKey?: RotatedSigningKey }

export interface RotateSecretOptions {
  /** Where the Idempotency-Key of an unfinished rotation is kept (never a secret). */
  stateFile: string
  /** Store the secret durably; it is acknowledged (and the service's copy erased) once this resolves. */
  onSecret: (secret: RotatedSecret) => Promise<void> | void
}

export interface PickupOptions {
  /**
   * Where the id of a secret handed to onSecret but not yet acknowledged is kept (never a secret):
   * with it, a crash after onSecret is finished by acknowledging even once the service erased its
   * copy. Without it, a crash repeats onSecret with the same secret while the service holds it.
   */
  stateFile?: string
  /** Store the secret durably; it is acknowledged (and the service's copy erased) once this resolves. */
  onSecret: (secret: RotatedSecret) => Promise<void> | void
}

type Problem = { code?: string; detail?: string; rotationId?: string; secretRecoverable?: boolean }
type Answer = { status: number; headers: Headers; body: any }
type Wait = { retryAfterMs: number }
type KeyPairOnly = Omit<RotationDone, 'signingKey'> & { secret: null; signingKey: RotatedSigningKey }
type Rotated = RotatedSecret | KeyPairOnly
type Step = { done: Rotated } | { follow: string }
const isWait = (v: unknown): v is Wait => typeof v === 'object' && v !== null && 'retryAfterMs' in v

/** The public facts of a signing key, as the client hands them on (the answer has its window too). */
const publicPart = (k: RotatedSigningKey): RotatedSigningKey => ({ keyVersion: k.keyVersion, kid: k.kid, publicKey: k.publicKey })

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function retryAfterMs (headers: Headers, fallbackMs: number) {
  const seconds = Number(headers.get('retry-after'))
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds * 1000, 30_000) : fallbackMs
}

function refusal (answer: Answer): RotationClientError {
  const p = (answer.body ?? {}) as Problem
  return new RotationClientError(p.code ?? 'UNEXPECTED_RESPONSE', p.detail ?? `the service answered ${answer.status} without a problem code`, {
    status: answer.status,
    ...(p.rotationId ? { rotationId: p.rotationId } : {}),
    ...(answer.headers.has('retry-after') ? { retryAfterSeconds: Number(answer.headers.get('retry-after')) } : {}),
  })
}

const transient = (status: number) => status === 408 || status >= 500

/**
 * A client of the rotation API that cannot lose a secret: the Idempotency-Key is on disk before
 * the first request, every failure that could hide an answer (timeout, 5xx, crash, restart) is
 * answered by replaying it, and the state is cleared only after the caller stored the secret and
 * the service erased its copy.
 */
export function createRotationClient (options: RotationClientOptions) {
  const apiUrl = normalizeApiUrl(options.apiUrl)
  const fingerprint = keyFingerprint(options.apiKey)
  const requestTimeoutMs = options.requestTimeoutMs ?? 40_000
  const giveUpAfterMs = options.giveUpAfterMs ?? 15 * 60_000
  const client = createClient<paths>({ baseUrl: apiUrl, headers: { 'x-api-key': options.apiKey }, ...(options.fetch ? { fetch: options.fetch } : {}) })

  // Whether any request may have reached the service (answered, timed out, cut off). Until one
  // has, a refused connection means a wrong --api-url or a service that is not running: said at
  // once instead of retried for 15 minutes, since no answer can have been lost.
  let reached = false

  /** One request; undefined when no answer came (timeout, network error): the caller replays. */
  async function call (run: (signal: AbortSignal) => Promise<{ response: Response; data?: unknown; error?: unknown }>): Promise<Answer | undefined> {
    try {
      const { response, data, error } = await run(AbortSignal.timeout(requestTimeoutMs))
      reached = true
      return { status: response.status, headers: response.headers, body: data ?? error }
    } catch (err) {
      const code = notSentCode(err)
      if (code === undefined) reached = true
      else if (!reached) throw new RotationClientError('API_UNREACHABLE', `cannot reach ${apiUrl} (${code}); nothing was sent. Check --api-url, and that the service is running.`)
      return undefined
    }
  }

  async function retrying<T> (what: string, attempt: () => Promise<T | Wait>): Promise<T> {
    const deadline = Date.now() + giveUpAfterMs
    for (;;) {
      const result = await attempt()
      if (!isWait(result)) return result
      if (Date.now() + result.retryAfterMs > deadline) {
        throw new RotationClientError('API_NO_ANSWER', `${what}: no answer for ${Math.round(giveUpAfterMs / 1000)} s; run again with the same state file to continue.`)
      }
      await sleep(result.retryAfterMs)
    }
  }
  const backoff = (n: number) => Math.min(1000 * 2 ** n, 10_000)

  async function startOrResume (stateFile: string): Promise<{ state: RotationState; fresh: boolean }> {
    const existing = await readState(stateFile)
    if (existing) {
      checkStateOwner(existing, apiUrl, fingerprint, stateFile)
      return { state: existing, fresh: false }
    }
    const state: RotationState = { version: 1, apiUrl, keyFingerprint: fingerprint, idempotencyKey: randomUUID(), startedAt: new Date().toISOString() }
    await writeState(stateFile, state)
    return { state, fresh: true }
  }

  /** Polls a rotation until it has a secret, or says why it never will. */
  function follow (rotationId: string): Promise<Rotated | 'replay'> {
    let n = 0
    return retrying<Rotated | 'replay'>(`rotation ${rotationId}`, async () => {
      const answer = await call((signal) => client.GET(ROTATION, { params: { path: { id: rotationId } }, signal }))
      if (answer === undefined || transient(answer.status)) return { retryAfterMs: answer ? retryAfterMs(answer.headers, backoff(n++)) : backoff(n++) }
      if (answer.status !== 200) throw refusal(answer)
      const rotation = answer.body.rotation as NonNullable<paths[typeof ROTATION]['get']['responses'][200]['content']['application/json']>['rotation']
      if (rotation.status === 'queued' || rotation.status === 'processing') return { retryAfterMs: retryAfterMs(answer.headers, 1000) }
      // A rejected rotation holds no key: replaying ours gets the service's current answer.
      if (rotation.status === 'rejected') return 'replay'
      if (rotation.status === 'failed') {
        throw new RotationClientError(rotation.error?.code ?? 'ROTATION_FAILED', rotation.error?.detail ?? 'the rotation failed', { rotationId })
      }
      // A key that signs with ed25519 only: the rotation made a key pair and held no secret.
      const { signingKey } = rotation as typeof rotation & { signingKey?: RotatedSigningKey }
      if (rotation.secret === null && !rotation.secretHeld && rotation.secretErasedReason === null && signingKey && rotation.rotatedAt !== null) {
        return { secret: null, rotationId, rotatedAt: rotation.rotatedAt, previousRetainedUntil: rotation.previousRetainedUntil, signingKey: publicPart(signingKey) }
      }
      if (rotation.secret === null || rotation.rotatedAt === null || rotation.previousRetainedUntil === null) {
        throw new RotationClientError('WEBHOOK_SECRET_NO_LONGER_HELD',
          `rotation ${rotationId} succeeded but its secret is no longer held (${rotation.secretErasedReason ?? 'not yours to fetch'}); do not rotate again: ask support for a recovery rotation.`, { rotationId })
      }
      return {
        secret: rotation.secret, rotationId, rotatedAt: rotation.rotatedAt, previousRetainedUntil: rotation.previousRetainedUntil, ...(signingKey ? { signingKey: publicPart(signingKey) } : {}),
      }
    })
  }

  function locatedRotation (answer: Answer) {
    return UUID_AT_END.exec(answer.headers.get('location') ?? '')?.[1]
  }

  async function rotateOnce (idempotencyKey: string, n: number): Promise<Step | Wait> {
    const answer = await call((signal) => client.POST(ROTATE, { params: { header: { 'idempotency-key': idempotencyKey } }, body: {}, signal }))
    if (answer === undefined) return { retryAfterMs: backoff(n) }
    if (answer.status === 200) {
      const { signingKey, ...rest } = answer.body.webhookSecret as Rotated
      return { done: { ...rest, ...(signingKey ? { signingKey: publicPart(signingKey) } : {}) } as Rotated }
    }
    if (answer.status === 202) return { follow: answer.body.rotation.id as string }
    // 503 with a Location: the rotation is under way (ROTATION_IN_PROGRESS); without, a dependency is down.
    const located = locatedRotation(answer)
    if (answer.status === 503 && located !== undefined) return { follow: located }
    if (transient(answer.status)) return { retryAfterMs: retryAfterMs(answer.headers, backoff(n)) }
    const problem = (answer.body ?? {}) as Problem
    if (problem.code === 'WEBHOOK_SECRET_ROTATION_COOLDOWN' && problem.secretRecoverable === true && problem.rotationId) {
      return { follow: problem.rotationId }
    }
    if (problem.code === 'RATE_LIMIT_EXCEEDED') return { retryAfterMs: retryAfterMs(answer.headers, 1000) }
    throw refusal(answer)
  }

  async function obtain (idempotencyKey: string): Promise<Rotated> {
    let n = 0
    for (;;) {
      const step = await retrying<Step>('rotate', () => rotateOnce(idempotencyKey, n++))
      if ('done' in step) return step.done
      const followed = await follow(step.follow)
      if (followed !== 'replay') return followed
    }
  }

  async function acknowledge (rotationId: string) {
    let n = 0
    await retrying<true>(`acknowledge ${rotationId}`, async () => {
      const answer = await call((signal) => client.POST(ACKNOWLEDGE, { params: { path: { id: rotationId } }, signal }))
      if (answer === undefined || transient(answer.status)) return { retryAfterMs: answer ? retryAfterMs(answer.headers, backoff(n++)) : backoff(n++) }
      if (answer.status !== 200) throw refusal(answer)
      return true
    })
  }

  function requireApiKeyFormat () {
    if (!API_KEY_FORMAT.test(options.apiKey)) {
      throw new RotationClientError('API_KEY_MALFORMED', 'the API key must be kash_live_ or kash_test_ followed by 32 letters and digits; nothing was sent.')
    }
  }

  /** One GET answered 200 (timeouts, 5xx and network errors retried); its body. */
  function getOk (what: string, run: Parameters<typeof call>[0]): Promise<any> {
    let n = 0
    return retrying<unknown>(what, async () => {
      const answer = await call(run)
      if (answer === undefined || transient(answer.status)) return { retryAfterMs: answer ? retryAfterMs(answer.headers, backoff(n++)) : backoff(n++) }
      if (answer.status !== 200) throw refusal(answer)
      return answer.body
    })
  }

  /**
   * The key's scheduled rotations whose secret the service still holds, nobody acknowledged, and
   * that still signs, oldest first. A held secret that no longer signs (an operator's recovery or
   * rollback replaced it before anyone picked it up) is never handed over: stored, it would
   * replace a secret that works with one that does not.
   */
  async function pendingScheduled (): Promise<string[]> {
    const list = await getOk('list scheduled rotations', (signal) => client.GET(ROTATIONS, { params: { query: { kind: 'scheduled', limit: 100 } }, signal }))
    const metadata = await getOk('read the signing secrets', (signal) => client.GET(METADATA, { signal }))
    const signing = new Set((metadata.webhookSecret.signingSecrets as { secretVersion: number }[]).map((s) => s.secretVersion))
    const rows = list.data as { id: string; status: string; secretHeld: boolean; secretConfirmedAt: string | null; secretVersion: number | null }[]
    return rows
      .filter((r) => r.status === 'succeeded' && r.secretHeld && r.secretConfirmedAt === null && r.secretVersion !== null && signing.has(r.secretVersion))
      .map((r) => r.id)
      .reverse()
  }

  /**
   * Picks up the secrets scheduled rotations made (a symmetric key's schedule): each is fetched,
   * handed to onSecret, then acknowledged, oldest first. Safe to run again at any time: nothing
   * pending is nothing done, and a crash before the acknowledgement hands the same secret over again.
   */
  async function pickup ({ stateFile, onSecret }: PickupOptions): Promise<Omit<RotatedSecret, 'secret'>[]> {
    requireApiKeyFormat()
    const unfinished = stateFile === undefined ? null : await readState(stateFile, pickupStateSchema)
    if (unfinished) {
      checkStateOwner(unfinished, apiUrl, fingerprint, stateFile!)
      await acknowledge(unfinished.storedRotationId)
      await clearState(stateFile!)
    }
    const picked: Omit<RotatedSecret, 'secret'>[] = []
    for (const rotationId of await pendingScheduled()) {
      const fetched = await follow(rotationId)
      // 'replay' is not reachable for a succeeded rotation; a key pair's rotation hands over nothing.
      if (fetched === 'replay' || fetched.secret === null) continue
      await onSecret(fetched)
      if (stateFile !== undefined) {
        await writeState(stateFile, { version: 1, apiUrl, keyFingerprint: fingerprint, storedRotationId: rotationId, storedAt: new Date().toISOString() })
      }
      await acknowledge(rotationId)
      if (stateFile !== undefined) await clearState(stateFile)
      const { secret: _handedOver, ...rest } = fetched
      picked.push(rest)
    }
    return picked
  }

  /**
   * Rotates (or finishes the rotation the state file records), hands the secret over, acknowledges,
   * clears the state. A key that signs with ed25519 only hands over nothing secret: the new public
   * key is returned, and there is nothing to store or acknowledge.
   */
  async function rotateSecret ({ stateFile, onSecret }: RotateSecretOptions): Promise<RotationDone> {
    requireApiKeyFormat()
    const { state, fresh } = await startOrResume(stateFile)
    const rotated = await obtain(state.idempotencyKey).catch(async (err: unknown) => {
      // Nothing was sent with a key made in this run: no rotation to finish, so no state to keep
      // (kept, it would refuse the corrected --api-url as another service's).
      if (fresh && err instanceof RotationClientError && err.code === 'API_UNREACHABLE') await clearState(stateFile)
      throw err
    })
    if (rotated.secret !== null) {
      await onSecret(rotated)
      await acknowledge(rotated.rotationId)
    }
    await clearState(stateFile)
    const { secret: _handedOver, ...rest } = rotated
    return rest
  }

  return { rotateSecret, pickup }
}

export type RotationClient = ReturnType<typeof createRotationClient>
