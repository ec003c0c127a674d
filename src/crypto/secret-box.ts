import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'

export interface KeyRingEntry { kid: string; key: Buffer }

/**
 * AES-256-GCM under a key ring. Envelope: `v1.<kid>.<iv>.<ciphertext>.<tag>` (base64url parts).
 * The first key encrypts; any key of the ring decrypts, found by its kid, so the master key can be
 * rotated by prepending a new one. The associated data binds a ciphertext to its row and slot: a
 * ciphertext copied into another row or column fails to decrypt.
 */
export function createSecretBox (ring: readonly KeyRingEntry[]) {
  const active = ring[0]
  if (!active) throw new Error('secret box needs at least one key')
  const byKid = new Map(ring.map((k) => [k.kid, k.key]))

  function encrypt (plaintext: string, aad: string): string {
    const iv = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', active!.key, iv)
    cipher.setAAD(Buffer.from(aad, 'utf8'))
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
    return ['v1', active!.kid, iv.toString('base64url'), ciphertext.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.')
  }

  function decrypt (envelope: string, aad: string): string {
    const [version, kid, iv, ciphertext, tag] = envelope.split('.')
    const key = kid === undefined ? undefined : byKid.get(kid)
    if (version !== 'v1' || !key || iv === undefined || ciphertext === undefined || tag === undefined) {
      throw new Error(`cannot decrypt: unknown envelope version or key id ${JSON.stringify(kid)}`)
    }
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'))
    decipher.setAAD(Buffer.from(aad, 'utf8'))
    decipher.setAuthTag(Buffer.from(tag, 'base64url'))
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8')
  }

  return { encrypt, decrypt }
}

export type SecretBox = ReturnType<typeof createSecretBox>

/** Associated data for each place a secret is stored. */
export const aad = {
  current: (apiKeyId: string) => `api_keys/${apiKeyId}/webhook_secret`,
  previous: (apiKeyId: string) => `api_keys/${apiKeyId}/webhook_secret_previous`,
  held: (rotationId: string) => `webhook_secret_rotations/${rotationId}/held_secret`,
  /** An asymmetric key pair's private key: one slot for its whole life, current or retained. */
  signingKey: (apiKeyId: string, keyVersion: number) => `webhook_signing_keys/${apiKeyId}/${keyVersion}/private_key`,
}
