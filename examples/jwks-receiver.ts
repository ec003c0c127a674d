import { createPublicKey, verify, type KeyObject } from 'node:crypto'

type Headers = Record<string, string | string[] | undefined>

/**
 * Verifies Standard Webhooks v1a deliveries with the public keys published at `jwksUrl`, the URL
 * this receiver is configured with (never a key or a URL read from the request). Keys are cached
 * as the document's Cache-Control allows and fetched again, at most every `minRefreshMs`, when no
 * key verifies a delivery: a rotation is picked up without a redeploy. Node's crypto only.
 */
export function createJwksVerifier ({ jwksUrl, toleranceSeconds = 300, minRefreshMs = 30_000 }: { jwksUrl: string; toleranceSeconds?: number; minRefreshMs?: number }) {
  let keys: KeyObject[] = []
  let fetchedAt = -Infinity
  let maxAgeMs = 0

  async function refresh () {
    const res = await fetch(jwksUrl, { headers: { accept: 'application/jwk-set+json, application/json' } })
    if (!res.ok) throw new Error(`JWKS ${jwksUrl} answered ${res.status}`)
    const body = await res.json() as { keys: { kty: string; crv: string; x: string }[] }
    keys = body.keys
      .filter((k) => k.kty === 'OKP' && k.crv === 'Ed25519')
      .map((k) => createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: k.x }, format: 'jwk' }))
    fetchedAt = Date.now()
    maxAgeMs = Number(/max-age=(\d+)/.exec(res.headers.get('cache-control') ?? '')?.[1] ?? 0) * 1000
  }

  return async function verifyDelivery (rawBody: Buffer, headers: Headers): Promise<boolean> {
    const [id, timestamp, signature] = ['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((h) => headers[h])
    if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signature !== 'string') return false
    if (!/^\d+$/.test(timestamp) || Math.abs(Date.now() / 1000 - Number(timestamp)) > toleranceSeconds) return false
    const signed = Buffer.concat([Buffer.from(`${id}.${timestamp}.`, 'utf8'), rawBody])
    const signatures = signature.split(' ').filter((e) => e.startsWith('v1a,')).map((e) => Buffer.from(e.slice(4), 'base64'))
    const verifies = () => keys.some((key) => signatures.some((s) => s.length === 64 && verify(null, signed, key, s)))

    if (Date.now() - fetchedAt > maxAgeMs) await refresh()
    if (verifies()) return true
    // Signed by a key this receiver has not seen yet (a rotation since the last fetch)?
    if (Date.now() - fetchedAt < minRefreshMs) return false
    await refresh()
    return verifies()
  }
}
