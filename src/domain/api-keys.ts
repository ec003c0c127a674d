import { randomUUID } from 'node:crypto'
import type pg from 'pg'
import { aad, type SecretBox } from '../crypto/secret-box.js'
import { generateApiKey, generateWebhookSecret, hashToken, keyPrefix, type KeyEnv } from '../crypto/tokens.js'
import { insertApiKey, revokeApiKey } from '../db/api-keys-repository.js'
import { insertAuditEvent, type AuditEvent } from '../db/audit-repository.js'
import { withTransaction } from '../db/pool.js'
import { toCidr } from '../auth/ip-allowlist.js'
import { AppError } from '../errors/app-error.js'
import type { SigningScheme } from '../db/signing-keys-repository.js'
import { applySigningScheme, readSchemeView, signsAsymmetric, type SchemeView } from './signing-keys.js'

export interface IssueApiKeyInput {
  ownerId: string
  env: KeyEnv
  scopes: string[]
  webhookUrl: string | null
  ipAllowlist?: string[]
  expiresAt?: Date | null
  /** What deliveries are signed with (default symmetric); a scheme with v1a needs a webhook. */
  signingScheme?: SigningScheme
}

export type IssueActor = Pick<AuditEvent, 'actorType' | 'actor'>

export function validateWebhookUrl (raw: string) {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new Error(`webhook URL ${JSON.stringify(raw)} is not a URL`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('webhook URL must be http or https')
  if (url.username || url.password) throw new Error('webhook URL must not carry credentials')
  return url.toString()
}

/**
 * Issues an API key (and, with a webhook URL, its first signing secret, and for a scheme with v1a
 * its first key pair). The plaintext key and secret are returned once and never stored: the key
 * as an HMAC, the secret and the private key encrypted. `scheme` is what the key signs with, as
 * anyone may see it (public keys and the JWKS token), when it signs with v1a.
 */
export async function issueApiKey (pool: pg.Pool, deps: { pepper: string; secretBox: SecretBox }, input: IssueApiKeyInput, actor: IssueActor) {
  const webhookUrl = input.webhookUrl === null ? null : validateWebhookUrl(input.webhookUrl)
  const signingScheme = input.signingScheme ?? 'symmetric'
  // A scheme that signs with v1a (asymmetric, both) gets its first key pair with the key.
  const withKeyPair = signsAsymmetric(signingScheme)
  if (withKeyPair && webhookUrl === null) throw new Error('a key without a webhook signs nothing: a signing scheme needs a webhook URL')
  const ipAllowlist = (input.ipAllowlist ?? []).map(toCidr)
  const apiKey = generateApiKey(input.env)
  const webhookSecret = webhookUrl === null ? null : generateWebhookSecret()
  const apiKeyId = randomUUID()
  const scheme = await withTransaction(pool, async (client) => {
    await insertApiKey(client, {
      id: apiKeyId,
      ownerId: input.ownerId,
      env: input.env,
      keyPrefix: keyPrefix(apiKey),
      keyHash: hashToken(deps.pepper, apiKey),
      scopes: input.scopes,
      ipAllowlist,
      webhookUrl,
      // The ciphertext is bound to the row id, hence the id made here.
      webhookSecret: webhookSecret === null ? null : deps.secretBox.encrypt(webhookSecret, aad.current(apiKeyId)),
      expiresAt: input.expiresAt ?? null,
    })
    const keyPair = withKeyPair ? await applySigningScheme(client, deps.secretBox, apiKeyId, signingScheme, null) : null
    await insertAuditEvent(client, {
      ...actor,
      action: 'api_key.issued',
      apiKeyId,
      details: { env: input.env, scopes: input.scopes, ipAllowlist, webhookUrl, ...(keyPair ? { signingScheme, keyVersion: keyPair.keyVersion, kid: keyPair.kid } : {}) },
    })
    return withKeyPair ? await readSchemeView(client, apiKeyId) : null
  })
  return { apiKey, apiKeyId, webhookSecret, scheme: scheme satisfies SchemeView | null }
}

export async function revokeKey (pool: pg.Pool, id: string, actor: IssueActor) {
  return withTransaction(pool, async (client) => {
    const revoked = await revokeApiKey(client, id)
    if (revoked && !revoked.alreadyRevoked) await insertAuditEvent(client, { ...actor, action: 'api_key.revoked', apiKeyId: id })
    return revoked
  })
}

/** An operator action on a revoked key: a conflict with the key's state, not the operator's authentication failing. */
export function keyRevokedError (key: { id: string; revokedAt: Date }) {
  return new AppError('KEY_REVOKED', `API key ${key.id} was revoked at ${key.revokedAt.toISOString()}; it signs nothing any more and its secrets are erased, so there is nothing to change. Issue the customer a new key instead.`)
}
