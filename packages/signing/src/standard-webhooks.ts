import { createHmac } from 'node:crypto'

/** The Standard Webhooks headers (https://www.standardwebhooks.com), lower-case as sent. */
export const STANDARD_ID_HEADER = 'webhook-id'
export const STANDARD_TIMESTAMP_HEADER = 'webhook-timestamp'
export const STANDARD_SIGNATURE_HEADER = 'webhook-signature'

const SECRET_PREFIX = 'whsec_'
const BASE64_ANY = /^[A-Za-z0-9+/_-]+={0,2}$/

/**
 * The HMAC key of a `whsec_…` secret under Standard Webhooks: the bytes its base64 part decodes
 * to. Secrets issued before the switch to standard base64 are base64url; they decode to their
 * bytes too (Node's decoder takes both alphabets), so the signature verifies once the receiver
 * writes the same bytes in standard base64 (see `toStandardSecret`). Null for anything else.
 */
export function standardSecretKey (secret: string): Buffer | null {
  if (!secret.startsWith(SECRET_PREFIX)) return null
  const encoded = secret.slice(SECRET_PREFIX.length)
  if (!BASE64_ANY.test(encoded)) return null
  const key = Buffer.from(encoded, 'base64')
  return key.length === 0 ? null : key
}

/** The same secret written as the Standard Webhooks libraries expect it: `whsec_` + standard base64. */
export function toStandardSecret (secret: string): string | null {
  const key = standardSecretKey(secret)
  return key === null ? null : `${SECRET_PREFIX}${key.toString('base64')}`
}

/** `v1,<base64 HMAC-SHA256 over "<id>.<timestamp>.<body>">`, one entry per usable secret, in order. */
export function signStandardWebhook (id: string, timestampSeconds: number, rawBody: string | Buffer, secrets: string[]): string | null {
  if (!Number.isSafeInteger(timestampSeconds) || timestampSeconds < 0) {
    throw new RangeError('signStandardWebhook: timestampSeconds must be a non-negative safe integer')
  }
  const body = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody
  const entries: string[] = []
  for (const secret of secrets) {
    const key = standardSecretKey(secret)
    if (key === null) continue
    const mac = createHmac('sha256', key).update(`${id}.${timestampSeconds}.`, 'utf8').update(body).digest('base64')
    entries.push(`v1,${mac}`)
  }
  return entries.length === 0 ? null : entries.join(' ')
}

/** The three Standard Webhooks headers for one delivery; none when no secret has a usable key. */
export function standardWebhookHeaders (id: string, rawBody: string | Buffer, secrets: string[], timestampMs: number): Record<string, string> {
  const timestamp = Math.floor(timestampMs / 1000)
  const signature = signStandardWebhook(id, timestamp, rawBody, secrets)
  if (signature === null) return {}
  return { [STANDARD_ID_HEADER]: id, [STANDARD_TIMESTAMP_HEADER]: String(timestamp), [STANDARD_SIGNATURE_HEADER]: signature }
}
