import type { Queryable } from '../db/pool.js'
import { findApiKeyByHash, type ApiKeyAuthRow } from '../db/api-keys-repository.js'
import { API_KEY_PATTERN, hashToken } from '../crypto/tokens.js'
import { AppError } from '../errors/app-error.js'
import { ipAllowed } from './ip-allowlist.js'

export const ROTATION_SCOPES = ['webhooks:manage', 'auth:manage'] as const

/**
 * Authenticates an X-API-Key value, then checks scope and IP allowlist, in that order. The key is
 * looked up by its HMAC under the pepper; the plaintext is never stored or logged.
 */
export async function authenticateApiKey (
  q: Queryable,
  pepper: string,
  header: string | string[] | undefined,
  ip: string,
  anyOfScopes: readonly string[],
  /** How the key is found by its hash; a route may read more in the same statement. */
  find: (keyHash: Buffer) => Promise<ApiKeyAuthRow | undefined> = (keyHash) => findApiKeyByHash(q, keyHash)
): Promise<ApiKeyAuthRow> {
  if (header === undefined || header === '') throw new AppError('API_KEY_MISSING', 'Send your API key in the X-API-Key header.')
  if (typeof header !== 'string' || !API_KEY_PATTERN.test(header)) {
    throw new AppError('API_KEY_MALFORMED', 'The X-API-Key header must be kash_live_ or kash_test_ followed by 32 letters and digits.')
  }
  const key = await find(hashToken(pepper, header))
  if (!key) throw new AppError('API_KEY_INVALID', 'No such API key.')
  if (key.revoked) throw new AppError('API_KEY_REVOKED', 'This API key was revoked.')
  if (key.expired) throw new AppError('API_KEY_EXPIRED', 'This API key has expired.')
  if (!anyOfScopes.some((s) => key.scopes.includes(s))) {
    throw new AppError('INSUFFICIENT_SCOPE', `This route needs one of the scopes: ${anyOfScopes.join(', ')}.`)
  }
  if (!ipAllowed(ip, key.ipAllowlist)) {
    throw new AppError('IP_NOT_ALLOWED', `Requests from ${ip} are not allowed for this API key.`)
  }
  return key
}
