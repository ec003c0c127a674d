import { createHmac, timingSafeEqual } from 'node:crypto'

export const SIGNATURE_HEADER = 'X-Kash-Signature'
export const DEFAULT_TOLERANCE_MS = 300_000

export type VerifyFailure =
  | 'header_missing'
  | 'header_malformed'
  | 'no_signatures'
  | 'timestamp_too_old'
  | 'timestamp_in_future'
  | 'no_secrets'
  | 'signature_mismatch'

export type VerifyResult =
  | { ok: true; matchedIndex: number; timestampMs: number }
  | { ok: false; reason: VerifyFailure; message: string }

export interface VerifyOptions {
  toleranceMs?: number;
  now?: number;
}

const V1_HEX = /^[0-9a-fA-F]{64}$/
const DIGITS = /^\d+$/

function hmacDigest (secret: string, timestampMs: number, rawBody: string | Buffer): Buffer {
  const body = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody
  return createHmac('sha256', Buffer.from(secret, 'utf8')).update(`${timestampMs}.`, 'utf8').update(body).digest()
}

export function signPayload (rawBody: string | Buffer, secrets: string[], timestampMs: number): string {
  if (secrets.length === 0) throw new TypeError('signPayload: at least one secret is required')
  if (secrets.some((s) => s.length === 0)) throw new TypeError('signPayload: secrets must be non-empty strings')
  if (!Number.isSafeInteger(timestampMs) || timestampMs < 0) {
    throw new RangeError('signPayload: timestampMs must be a non-negative safe integer')
  }
  const parts = [`t=${timestampMs}`]
  for (const secret of secrets) parts.push(`v1=${hmacDigest(secret, timestampMs, rawBody).toString('hex')}`)
  return parts.join(',')
}

function fail (reason: VerifyFailure, message: string): VerifyResult {
  return { ok: false, reason, message }
}

type Parsed = { ok: true; timestampMs: number; signatures: Buffer[] } | { ok: false; message: string }

function parseHeader (header: string): Parsed {
  let t: string | undefined
  const signatures: Buffer[] = []
  for (const rawPart of header.split(',')) {
    const part = rawPart.trim()
    const eq = part.indexOf('=')
    if (eq === -1) return { ok: false, message: 'header part without "=" separator' }
    const key = part.slice(0, eq)
    const value = part.slice(eq + 1)
    if (key === 't') {
      if (t !== undefined) return { ok: false, message: 'duplicate t entry' }
      t = value
    } else if (key === 'v1') {
      if (!V1_HEX.test(value)) return { ok: false, message: 'v1 entry is not 64 hex characters' }
      signatures.push(Buffer.from(value, 'hex'))
    }
    // Unknown keys (e.g. v0, future schemes) are ignored for forward compatibility.
  }
  if (t === undefined) return { ok: false, message: 'missing t entry' }
  const timestampMs = Number(t)
  if (!DIGITS.test(t) || !Number.isSafeInteger(timestampMs)) {
    return { ok: false, message: 't is not a non-negative integer' }
  }
  return { ok: true, timestampMs, signatures }
}

export function verifySignature (
  rawBody: string | Buffer,
  header: string | undefined,
  secrets: string | string[],
  opts: VerifyOptions = {}
): VerifyResult {
  const toleranceMs = opts.toleranceMs ?? DEFAULT_TOLERANCE_MS
  const now = opts.now ?? Date.now()
  if (!Number.isFinite(toleranceMs) || toleranceMs < 0) throw new RangeError('toleranceMs must be a non-negative number')
  if (!Number.isFinite(now)) throw new RangeError('now must be a finite number')

  if (header === undefined || header === '') return fail('header_missing', `no ${SIGNATURE_HEADER} header`)
  const parsed = parseHeader(header)
  if (!parsed.ok) return fail('header_malformed', parsed.message)
  const { timestampMs, signatures } = parsed
  if (signatures.length === 0) return fail('no_signatures', 'header has no v1 signatures')
  if (now - timestampMs > toleranceMs) {
    return fail('timestamp_too_old', `timestamp is ${now - timestampMs} ms old (tolerance ${toleranceMs} ms)`)
  }
  if (timestampMs - now > toleranceMs) {
    return fail('timestamp_in_future', `timestamp is ${timestampMs - now} ms in the future (tolerance ${toleranceMs} ms)`)
  }

  const secretList = typeof secrets === 'string' ? [secrets] : secrets
  // An empty string would be a guessable HMAC key, so it never counts as a usable secret.
  if (!secretList.some((s) => s.length > 0)) return fail('no_secrets', 'no verification secrets configured')

  // Every (secret, signature) pair is compared; no early exit, so timing doesn't reveal which pair matched.
  let matchedIndex = -1
  for (let i = 0; i < secretList.length; i++) {
    const secret = secretList[i] as string
    if (secret.length === 0) continue
    const expected = hmacDigest(secret, timestampMs, rawBody)
    for (const sig of signatures) {
      if (timingSafeEqual(expected, sig) && matchedIndex === -1) matchedIndex = i
    }
  }
  if (matchedIndex === -1) return fail('signature_mismatch', 'no signature matches any configured secret')
  return { ok: true, matchedIndex, timestampMs }
}
