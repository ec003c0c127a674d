import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto'
import { signStandardWebhook, STANDARD_ID_HEADER, STANDARD_SIGNATURE_HEADER, STANDARD_TIMESTAMP_HEADER } from './standard-webhooks.js'

/**
 * Standard Webhooks asymmetric signatures (`v1a`): ed25519 over `"<id>.<timestamp>.<body>"`.
 * Keys are written `whsk_` + standard base64 of the 32-byte private seed and `whpk_` + standard
 * base64 of the 32-byte public key.
 */
export const PRIVATE_KEY_PREFIX = 'whsk_'
export const PUBLIC_KEY_PREFIX = 'whpk_'
export const DEFAULT_STANDARD_TOLERANCE_SECONDS = 300

// The DER headers that make Node read 32 raw ed25519 bytes as PKCS#8 (private) and SPKI (public).
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex')
const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex')
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/

function rawKey (serialized: string, prefix: string): Buffer | null {
  if (!serialized.startsWith(prefix)) return null
  const encoded = serialized.slice(prefix.length)
  if (!BASE64.test(encoded)) return null
  const raw = Buffer.from(encoded, 'base64')
  return raw.length === 32 ? raw : null
}

// Reading a PKCS#8 key costs OpenSSL 3 about 0.8 ms, ten times the signature itself, and a sender
// signs every delivery with the same few keys: the KeyObjects are kept, by a digest of the key
// (never the key itself), the oldest dropped past the bound.
const PRIVATE_KEY_CACHE_SIZE = 256
const privateKeys = new Map<string, KeyObject>()

/** A `whsk_…` private key as a Node KeyObject; null when it is not one. */
export function signingPrivateKey (privateKey: string): KeyObject | null {
  const digest = createHash('sha256').update(privateKey, 'utf8').digest('base64')
  const cached = privateKeys.get(digest)
  if (cached) return cached
  const seed = rawKey(privateKey, PRIVATE_KEY_PREFIX)
  if (seed === null) return null
  const key = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, seed]), format: 'der', type: 'pkcs8' })
  if (privateKeys.size >= PRIVATE_KEY_CACHE_SIZE) privateKeys.delete(privateKeys.keys().next().value!)
  privateKeys.set(digest, key)
  return key
}

/** A `whpk_…` public key as a Node KeyObject; null when it is not one. */
export function signingPublicKey (publicKey: string): KeyObject | null {
  const raw = rawKey(publicKey, PUBLIC_KEY_PREFIX)
  return raw === null ? null : createPublicKey({ key: Buffer.concat([SPKI_ED25519, raw]), format: 'der', type: 'spki' })
}

/** The 32 raw bytes of a `whpk_…` public key (a JWK's `x`, base64url), or null. */
export function publicKeyBytes (publicKey: string): Buffer | null {
  return rawKey(publicKey, PUBLIC_KEY_PREFIX)
}

/** RFC 7638 thumbprint of the key's JWK: a stable kid derived from the public key alone. */
export function publicKeyKid (publicKey: string): string {
  const raw = rawKey(publicKey, PUBLIC_KEY_PREFIX)
  if (raw === null) throw new TypeError('publicKeyKid: not a whpk_ public key')
  const canonical = `{"crv":"Ed25519","kty":"OKP","x":"${raw.toString('base64url')}"}`
  return createHash('sha256').update(canonical, 'utf8').digest('base64url')
}

/** A fresh ed25519 key pair, serialized; its kid. */
export function generateSigningKeyPair (): { privateKey: string; publicKey: string; kid: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519')
  const d = privateKey.export({ format: 'jwk' }).d!
  const x = publicKey.export({ format: 'jwk' }).x!
  const pub = `${PUBLIC_KEY_PREFIX}${Buffer.from(x, 'base64url').toString('base64')}`
  return { privateKey: `${PRIVATE_KEY_PREFIX}${Buffer.from(d, 'base64url').toString('base64')}`, publicKey: pub, kid: publicKeyKid(pub) }
}

function signedContent (id: string, timestampSeconds: number, rawBody: string | Buffer): Buffer {
  const body = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody
  return Buffer.concat([Buffer.from(`${id}.${timestampSeconds}.`, 'utf8'), body])
}

/** `v1a,<base64 ed25519 signature>`, one entry per usable private key, in order; null when none is usable. */
export function signStandardWebhookAsymmetric (id: string, timestampSeconds: number, rawBody: string | Buffer, privateKeys: string[]): string | null {
  if (!Number.isSafeInteger(timestampSeconds) || timestampSeconds < 0) {
    throw new RangeError('signStandardWebhookAsymmetric: timestampSeconds must be a non-negative safe integer')
  }
  const data = signedContent(id, timestampSeconds, rawBody)
  const entries: string[] = []
  for (const serialized of privateKeys) {
    const key = signingPrivateKey(serialized)
    if (key === null) continue
    entries.push(`v1a,${sign(null, data, key).toString('base64')}`)
  }
  return entries.length === 0 ? null : entries.join(' ')
}

export type StandardVerifyFailure = 'header_missing' | 'timestamp_invalid' | 'timestamp_too_old' | 'timestamp_in_future' | 'no_keys' | 'signature_mismatch'
export type StandardVerifyResult = { ok: true; matchedIndex: number } | { ok: false; reason: StandardVerifyFailure; message: string }

/**
 * Verifies the `v1a` entries of a Standard Webhooks delivery against a trust list of `whpk_`
 * public keys (configured by the receiver, never read from the request). Other entries (`v1`) are
 * skipped. `headers` are the request's, lower-case. `matchedIndex` names the public key that verified.
 */
export function verifyStandardWebhookAsymmetric (
  rawBody: string | Buffer,
  headers: Record<string, string | string[] | undefined>,
  publicKeys: string[],
  opts: { toleranceSeconds?: number; nowSeconds?: number } = {}
): StandardVerifyResult {
  const one = (name: string) => { const v = headers[name]; return Array.isArray(v) ? v[0] : v }
  const id = one(STANDARD_ID_HEADER)
  const timestamp = one(STANDARD_TIMESTAMP_HEADER)
  const signature = one(STANDARD_SIGNATURE_HEADER)
  if (!id || !timestamp || !signature) return { ok: false, reason: 'header_missing', message: 'webhook-id, webhook-timestamp and webhook-signature are required' }
  if (!/^\d+$/.test(timestamp) || !Number.isSafeInteger(Number(timestamp))) return { ok: false, reason: 'timestamp_invalid', message: 'webhook-timestamp is not a whole number of seconds' }
  const ts = Number(timestamp)
  const tolerance = opts.toleranceSeconds ?? DEFAULT_STANDARD_TOLERANCE_SECONDS
  const now = opts.nowSeconds ?? Math.floor(Date.now() / 1000)
  if (now - ts > tolerance) return { ok: false, reason: 'timestamp_too_old', message: `timestamp is ${now - ts} s old (tolerance ${tolerance} s)` }
  if (ts - now > tolerance) return { ok: false, reason: 'timestamp_in_future', message: `timestamp is ${ts - now} s in the future (tolerance ${tolerance} s)` }
  const keys = publicKeys.map(signingPublicKey)
  if (!keys.some((k) => k !== null)) return { ok: false, reason: 'no_keys', message: 'no usable whpk_ public key configured' }
  const data = signedContent(id, ts, rawBody)
  const signatures = signature.split(' ').filter((e) => e.startsWith('v1a,')).map((e) => Buffer.from(e.slice(4), 'base64')).filter((s) => s.length === 64)
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]
    if (!key) continue
    if (signatures.some((sig) => verify(null, data, key, sig))) return { ok: true, matchedIndex: i }
  }
  return { ok: false, reason: 'signature_mismatch', message: 'no v1a signature verifies under any configured public key' }
}

/**
 * The Standard Webhooks headers for one delivery with both kinds of credential: `v1` entries for
 * the `whsec_` secrets, then `v1a` entries for the `whsk_` private keys. None when nothing signs.
 */
export function standardWebhookHeadersWithKeys (
  id: string, rawBody: string | Buffer, credentials: { secrets: string[]; privateKeys: string[] }, timestampMs: number
): Record<string, string> {
  const timestamp = Math.floor(timestampMs / 1000)
  const entries = [
    signStandardWebhook(id, timestamp, rawBody, credentials.secrets),
    signStandardWebhookAsymmetric(id, timestamp, rawBody, credentials.privateKeys),
  ].filter((e): e is string => e !== null)
  if (entries.length === 0) return {}
  return { [STANDARD_ID_HEADER]: id, [STANDARD_TIMESTAMP_HEADER]: String(timestamp), [STANDARD_SIGNATURE_HEADER]: entries.join(' ') }
}
