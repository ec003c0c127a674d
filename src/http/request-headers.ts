import { AppError } from '../errors/app-error.js'

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_\-:.]+$/

/** The Idempotency-Key header: absent is allowed (no replay protection), anything else must be well formed. */
export function parseIdempotencyKey (header: string | string[] | undefined): string | null {
  if (header === undefined) return null
  if (Array.isArray(header)) throw new AppError('IDEMPOTENCY_KEY_FORMAT_INVALID', 'Send exactly one Idempotency-Key header.')
  if (header.length > 255) throw new AppError('IDEMPOTENCY_KEY_TOO_LONG', `The Idempotency-Key is ${header.length} characters; at most 255 are allowed.`)
  if (!IDEMPOTENCY_KEY.test(header)) {
    throw new AppError('IDEMPOTENCY_KEY_FORMAT_INVALID', 'The Idempotency-Key must be 1 to 255 characters from [A-Za-z0-9_-:.].')
  }
  return header
}

/**
 * How long to wait for the outcome (RFC 7240): `respond-async` means 0, `wait=N` N seconds (capped),
 * anything else the default. Preferences we do not understand are ignored, as the RFC asks.
 */
export function parseWaitPreference (header: string | string[] | undefined, defaultMs: number, maxMs: number): number {
  const values = preferences(header)
  if (values.includes('respond-async')) return 0
  for (const v of values) {
    const m = WAIT.exec(v)
    if (m) return Math.min(Number(m[1]) * 1000, maxMs)
  }
  return Math.min(defaultMs, maxMs)
}

/**
 * Whether the client asked, with `Prefer: respond-async` or `wait=N`, for an answer before the
 * outcome: only such a client gets 202 for an unfinished rotation (it said it can read one).
 */
export function prefersAsync (header: string | string[] | undefined): boolean {
  return preferences(header).some((v) => v === 'respond-async' || WAIT.test(v))
}

const WAIT = /^wait\s*=\s*"?(\d{1,6})"?$/

function preferences (header: string | string[] | undefined) {
  return (Array.isArray(header) ? header.join(',') : header ?? '').split(',').map((p) => p.trim().toLowerCase())
}
