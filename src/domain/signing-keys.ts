import { randomBytes } from 'node:crypto'
import type pg from 'pg'
import { generateSigningKeyPair, publicKeyBytes } from '@webhook-secret-rotation/signing'
import { aad, type SecretBox } from '../crypto/secret-box.js'
import { insertAuditEvent, type AuditEvent } from '../db/audit-repository.js'
import { withTransaction } from '../db/pool.js'
import {
  endSigningKeys, insertSigningKey, listPublicSigningKeys, lockRetainedSigningKeys, lockSigningScheme, nextKeyVersion,
  readSigningScheme, retainCurrentSigningKey, writeSigningScheme,
  type PublicSigningKey, type SigningScheme,
} from '../db/signing-keys-repository.js'
import { AppError } from '../errors/app-error.js'

export const SIGNING_SCHEMES = ['symmetric', 'asymmetric', 'both'] as const satisfies readonly SigningScheme[]
export const JWKS_PATH = '/v1/webhook-signing-keys'

export const signsAsymmetric = (scheme: SigningScheme) => scheme !== 'symmetric'
export const signsSymmetric = (scheme: SigningScheme) => scheme !== 'asymmetric'

/** The JWKS URL of a token: the token is opaque and names neither the API key nor its id. */
export const jwksPath = (token: string) => `${JWKS_PATH}/${token}`

/**
 * Generates a key pair in the caller's transaction (which holds the key row): the private key is
 * encrypted under its own slot before it is stored and is never returned.
 */
export async function issueSigningKey (client: pg.PoolClient, secretBox: SecretBox, apiKeyId: string, rotationId: string | null): Promise<PublicSigningKey> {
  const keyVersion = await nextKeyVersion(client, apiKeyId)
  const pair = generateSigningKeyPair()
  return insertSigningKey(client, apiKeyId, {
    keyVersion,
    kid: pair.kid,
    publicKey: pair.publicKey,
    rotationId,
    privateKey: secretBox.encrypt(pair.privateKey, aad.signingKey(apiKeyId, keyVersion)),
  })
}

/**
 * A rotation of the key pair (the rotation rule's transaction): the current one joins the signing
 * set with its own window, the oldest retained ones past `maxRetained` stop signing, a new one is
 * current. Every public key is confirmed, so the bound simply keeps the newest.
 */
export async function rotateSigningKey (client: pg.PoolClient, secretBox: SecretBox, o: { apiKeyId: string; rotationId: string; windowSeconds: number; maxRetained: number }) {
  const retainedVersion = await retainCurrentSigningKey(client, o.apiKeyId, o.windowSeconds)
  const retained = await lockRetainedSigningKeys(client, o.apiKeyId)
  const over = retained.slice(o.maxRetained)
  const dropped = over.length > 0 ? await endSigningKeys(client, o.apiKeyId, over, 'bound') : []
  const issued = await issueSigningKey(client, secretBox, o.apiKeyId, o.rotationId)
  return { issued, retainedVersion, dropped }
}

export type SchemeActor = Pick<AuditEvent, 'actorType' | 'actor' | 'requestId' | 'sourceIp' | 'reason'>

/**
 * A key whose signing settings may change: it exists, is not revoked and has a webhook. The row is
 * read (and locked) by the caller; each refusal says nothing was changed.
 */
export function requireSigningKey<R extends { revokedAt: Date | null; webhookConfigured: boolean }> (row: R | undefined, apiKeyId: string, actor: Pick<SchemeActor, 'actorType'>): R {
  if (!row) throw new AppError('RESOURCE_NOT_FOUND', 'No such API key.')
  if (row.revokedAt !== null) {
    throw actor.actorType === 'customer'
      ? new AppError('API_KEY_REVOKED', 'This API key was revoked; nothing was changed.')
      : new AppError('KEY_REVOKED', `API key ${apiKeyId} was revoked at ${row.revokedAt.toISOString()}; it signs nothing any more, so there is nothing to change.`)
  }
  if (!row.webhookConfigured) throw new AppError('WEBHOOK_NOT_CONFIGURED', 'This API key has no webhook configured, so it signs nothing; nothing was changed.')
  return row
}

export interface SchemeView {
  signingScheme: SigningScheme
  jwksToken: string | null
  publicKeys: PublicSigningKey[]
}

/** What a key signs with now, as anyone may see it. */
export async function readSchemeView (q: pg.Pool | pg.PoolClient, apiKeyId: string): Promise<SchemeView> {
  const { scheme, jwksToken } = await readSigningScheme(q, apiKeyId)
  return { signingScheme: scheme, jwksToken, publicKeys: signsAsymmetric(scheme) ? await listPublicSigningKeys(q, apiKeyId) : [] }
}

/**
 * Makes a key sign with `scheme`, in the caller's transaction (which holds the key row): a scheme
 * with v1a gives the key its first key pair when it has none in force, and its JWKS token when it
 * has none. Returns the key pair it issued, if any.
 */
export async function applySigningScheme (client: pg.PoolClient, secretBox: SecretBox, apiKeyId: string, scheme: SigningScheme, jwksToken: string | null) {
  let issued: PublicSigningKey | null = null
  if (signsAsymmetric(scheme)) {
    const inForce = await listPublicSigningKeys(client, apiKeyId)
    if (!inForce.some((k) => k.current)) issued = await issueSigningKey(client, secretBox, apiKeyId, null)
  }
  await writeSigningScheme(client, apiKeyId, scheme, jwksToken ?? (signsAsymmetric(scheme) ? randomBytes(24).toString('base64url') : null))
  return issued
}

/**
 * Switches a key's signing scheme, audited, in one transaction. Switching to `asymmetric` or `both`
 * gives the key its first key pair (and its JWKS token) when it has none in force; switching back
 * to `symmetric` stops v1a signatures but keeps the key pairs, which sign again on a switch back.
 * The same scheme again changes nothing and records nothing (PUT is idempotent).
 */
export async function switchSigningScheme (pool: pg.Pool, secretBox: SecretBox, apiKeyId: string, scheme: SigningScheme, actor: SchemeActor) {
  return withTransaction(pool, async (client) => {
    const row = requireSigningKey(await lockSigningScheme(client, apiKeyId), apiKeyId, actor)
    if (row.scheme === scheme) return { changed: false, view: await readSchemeView(client, apiKeyId) }

    const issued = await applySigningScheme(client, secretBox, apiKeyId, scheme, row.jwksToken)
    await insertAuditEvent(client, {
      ...actor,
      action: 'webhook_secret.scheme_changed',
      apiKeyId,
      details: { from: row.scheme, to: scheme, ...(issued ? { issuedKeyVersion: issued.keyVersion, kid: issued.kid } : {}) },
    })
    return { changed: true, view: await readSchemeView(client, apiKeyId) }
  })
}

/** One key as an RFC 7517 JWK (OKP / Ed25519), with its window as `nbf` / `exp` (seconds since the epoch, RFC 7519 style). */
export function toJwk (k: PublicSigningKey) {
  return {
    kty: 'OKP' as const,
    crv: 'Ed25519' as const,
    x: publicKeyBytes(k.publicKey)!.toString('base64url'),
    kid: k.kid,
    use: 'sig' as const,
    alg: 'EdDSA' as const,
    nbf: Math.floor(k.createdAt.getTime() / 1000),
    ...(k.retainedUntil ? { exp: Math.floor(k.retainedUntil.getTime() / 1000) } : {}),
  }
}

/** A public key as the API shows it. */
export function toPublicKeyResource (k: PublicSigningKey) {
  return {
    keyVersion: k.keyVersion,
    kid: k.kid,
    publicKey: k.publicKey,
    current: k.current,
    createdAt: k.createdAt.toISOString(),
    retainedUntil: k.retainedUntil?.toISOString() ?? null,
  }
}
