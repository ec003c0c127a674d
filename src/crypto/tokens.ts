import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto'

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

export const API_KEY_PATTERN = /^kash_(live|test)_[0-9A-Za-z]{32}$/
export const OPERATOR_TOKEN_PATTERN = /^kash_op_[0-9A-Za-z]{40}$/
/** How much of an operator token is stored in the clear (`kash_op_` and 4 characters) to tell tokens apart. */
export const OPERATOR_TOKEN_PREFIX_LENGTH = 12

export type KeyEnv = 'live' | 'test'

function base62 (length: number) {
  let out = ''
  for (let i = 0; i < length; i++) out += BASE62[randomInt(62)]
  return out
}

/** `kash_<env>_<32 base62>`, about 190 bits of entropy. */
export function generateApiKey (env: KeyEnv) {
  return `kash_${env}_${base62(32)}`
}

/** `kash_op_<40 base62>`, about 238 bits; shown once at issuance. */
export function generateOperatorToken () {
  return `kash_op_${base62(40)}`
}

/**
 * `whsec_` + standard base64 of 32 random bytes: the Standard Webhooks libraries decode the part
 * after `whsec_` as standard base64 and reject URL-safe characters.
 */
export function generateWebhookSecret () {
  return `whsec_${randomBytes(32).toString('base64')}`
}

/** What is stored for an API key or operator token: HMAC-SHA256 under the server pepper. */
export function hashToken (pepper: string, token: string): Buffer {
  return createHmac('sha256', pepper).update(token, 'utf8').digest()
}

/** The displayable head of a key (`kash_test_AbCd`), never enough to use it. */
export function keyPrefix (apiKey: string) {
  return apiKey.slice(0, 'kash_test_'.length + 4)
}

export function constantTimeEqual (a: Buffer, b: Buffer) {
  return a.length === b.length && timingSafeEqual(a, b)
}
