import { randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { publicKeyBytes } from '@webhook-secret-rotation/signing'
import { createOperator } from '../../fixtures/operators.js'
import { buildTestContext, createTestDatabase, eventually, json, ROTATIONS_PATH, type TestContext } from '../../helper.js'
import { expireRetained, putScheme } from '../../fixtures/signing-scheme.js'

let databaseUrl: string
beforeAll(async () => { databaseUrl = await createTestDatabase() })

const METADATA = '/v1/auth/api-keys/me/webhook-secret'
const WHPK = /^whpk_[A-Za-z0-9+/]{43}=$/

async function switchedKey (ctx: TestContext, scheme: 'asymmetric' | 'both') {
  const key = await ctx.createKey()
  const res = await putScheme(ctx, key.apiKey, { scheme })
  expect(res.statusCode).toBe(200)
  const { jwksUrl, publicKeys } = json(res).signingScheme
  return { ...key, jwksUrl: jwksUrl as string, first: publicKeys[0] as { kid: string; publicKey: string; keyVersion: number } }
}

function jwks (ctx: TestContext, url: string) {
  return ctx.app.inject({ method: 'GET', url })
}

const kids = async (ctx: TestContext, url: string) => (json(await jwks(ctx, url)).keys as { kid: string }[]).map((k) => k.kid)

function expectNoPrivateKey (...bodies: string[]) {
  for (const body of bodies) expect(body).not.toMatch(/whsk_|privateKey|private_key/)
}

describe('rotating an asymmetric key', () => {
  it('answers the new public key through the same queue and rule; a replay answers the same one; the whsec_ secret is untouched', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const key = await switchedKey(ctx, 'asymmetric')
    const slotsBefore = await ctx.secretSlots(key.apiKeyId)
    const idempotencyKey = randomUUID()

    const res = await ctx.rotate(key.apiKey, { idempotencyKey, body: { reason: 'quarterly' } })
    expect(res.statusCode).toBe(200)
    const rotated = json(res).webhookSecret
    expect(rotated.secret).toBeNull()
    expect(rotated.signingKey).toMatchObject({ keyVersion: 2, current: true, retainedUntil: null, publicKey: expect.stringMatching(WHPK) })
    expect(rotated.signingKey.kid).not.toBe(key.first.kid)
    expect(res.headers.location).toBe(`${ROTATIONS_PATH}/${rotated.rotationId}`)

    const replay = await ctx.rotate(key.apiKey, { idempotencyKey, body: { reason: 'quarterly' } })
    expect(replay.statusCode).toBe(200)
    expect(replay.headers['idempotent-replayed']).toBe('true')
    expect(json(replay).webhookSecret).toEqual(rotated)

    // The same cooldown as a secret rotation.
    const again = await ctx.rotate(key.apiKey, { idempotencyKey: randomUUID() })
    expect([again.statusCode, json(again).code]).toEqual([429, 'WEBHOOK_SECRET_ROTATION_COOLDOWN'])
    expect(json(again).detail).toContain('the new public key is in GET /v1/auth/api-keys/me/webhook-secret')
    expect(again.headers.link).toBeUndefined()

    const slotsAfter = await ctx.secretSlots(key.apiKeyId)
    expect(slotsAfter.current).toBe(slotsBefore.current)
    expect(slotsAfter.version).toBe(slotsBefore.version)
    const { rows } = await ctx.pool.query("select details from audit_events where api_key_id = $1 and action = 'webhook_secret.rotated'", [key.apiKeyId])
    expect(rows).toEqual([{ details: expect.objectContaining({ kind: 'customer', path: 'key_pair_only', keyVersion: 2, kid: rotated.signingKey.kid, retainedKeyVersion: 1 }) }])
    expectNoPrivateKey(res.body, replay.body, JSON.stringify(rows))
  })

  it('costs nothing when the answer is lost: the public keys in force are readable at any time, the old one retained for its window', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const key = await switchedKey(ctx, 'asymmetric')

    // The client asked for 202 and never came back for the answer.
    const accepted = await ctx.rotate(key.apiKey, { idempotencyKey: randomUUID(), prefer: 'respond-async' })
    expect(accepted.statusCode).toBe(202)
    const rotationId = String(accepted.headers.location).split('/').pop()
    const polled = await eventually(async () => {
      const { rotation } = json(await ctx.get(key.apiKey, `${ROTATIONS_PATH}/${rotationId}`))
      return rotation.status === 'succeeded' && rotation
    })
    expect(polled).toMatchObject({ secret: null, secretHeld: false, signingKey: { keyVersion: 2, current: true, publicKey: expect.stringMatching(WHPK) } })

    const metadata = await ctx.get(key.apiKey, METADATA)
    const { publicKeys, signingScheme } = json(metadata).webhookSecret
    expect(signingScheme).toBe('asymmetric')
    expect(publicKeys).toHaveLength(2)
    expect(publicKeys[0]).toMatchObject({ keyVersion: 2, current: true, retainedUntil: null })
    expect(publicKeys[1]).toMatchObject({ keyVersion: 1, current: false, kid: key.first.kid, publicKey: key.first.publicKey })
    expect(Date.parse(publicKeys[1].retainedUntil) - Date.now()).toBeGreaterThan(7 * 86_400_000 - 60_000)
    expectNoPrivateKey(metadata.body, accepted.body)
  })

  it('with both, hands over the new secret and the new public key; rotating past the bound drops the oldest key pair', async () => {
    const ctx = await buildTestContext({ databaseUrl, env: { ROTATION_COOLDOWN_SECONDS: '1', SIGNING_SECRETS_MAX: '3' } })
    const key = await switchedKey(ctx, 'both')

    const first = json(await ctx.rotate(key.apiKey, { idempotencyKey: randomUUID() })).webhookSecret
    expect(first.secret).toMatch(/^whsec_/)
    expect(first.signingKey).toMatchObject({ keyVersion: 2 })
    expect((await ctx.secretSlots(key.apiKeyId)).current).toBe(first.secret)

    for (let version = 3; version <= 4; version++) {
      const rotated = await eventually(async () => {
        const res = await ctx.rotate(key.apiKey, { idempotencyKey: randomUUID() })
        return res.statusCode === 200 && json(res).webhookSecret
      })
      expect(rotated.signingKey.keyVersion).toBe(version)
    }
    // Bound 3: the current key pair and two retained ones; version 1 stopped signing.
    const publicKeys = json(await ctx.get(key.apiKey, METADATA)).webhookSecret.publicKeys as { keyVersion: number }[]
    expect(publicKeys.map((k) => k.keyVersion)).toEqual([4, 3, 2])
    const { rows } = await ctx.pool.query('select key_version, private_key, ended_reason from webhook_signing_keys where api_key_id = $1 and key_version = 1', [key.apiKeyId])
    expect(rows).toEqual([{ key_version: 1, private_key: null, ended_reason: 'bound' }])
    expect(await kids(ctx, key.jwksUrl)).toHaveLength(3)
  })
})

describe('GET /v1/webhook-signing-keys/{token} (JWKS)', () => {
  it('publishes the keys in force without authentication, cacheable; changes when a key rotates; the old key leaves when an operator expires it', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const op = await createOperator(ctx, `op-${randomUUID().slice(0, 8)}`)
    const key = await switchedKey(ctx, 'asymmetric')

    const res = await jwks(ctx, key.jwksUrl)
    expect(res.statusCode).toBe(200)
    expect(res.headers['cache-control']).toBe('public, max-age=300')
    expect(res.headers['content-type']).toMatch(/^application\/jwk-set\+json/)
    const [jwk] = json(res).keys
    expect(json(res).keys).toHaveLength(1)
    expect(jwk).toEqual({ kty: 'OKP', crv: 'Ed25519', x: publicKeyBytes(key.first.publicKey)!.toString('base64url'), kid: key.first.kid, use: 'sig', alg: 'EdDSA', nbf: expect.any(Number) })
    expect(Buffer.from(jwk.x, 'base64url')).toHaveLength(32)
    expectNoPrivateKey(res.body)
    expect(res.body).not.toContain(key.apiKeyId)

    const rotated = json(await ctx.rotate(key.apiKey, { idempotencyKey: randomUUID() })).webhookSecret.signingKey
    const after = json(await jwks(ctx, key.jwksUrl)).keys
    expect(after.map((k: { kid: string }) => k.kid)).toEqual([rotated.kid, key.first.kid])
    expect(after[0].exp).toBeUndefined()
    expect(after[1].exp).toBe(Math.floor(Date.parse((json(await ctx.get(key.apiKey, METADATA)).webhookSecret.publicKeys[1]).retainedUntil) / 1000))

    const expired = await expireRetained(ctx, op.token, key.apiKeyId, 'leaked')
    expect(expired.statusCode).toBe(200)
    expect(await kids(ctx, key.jwksUrl)).toEqual([rotated.kid])
    const { rows } = await ctx.pool.query("select details from audit_events where api_key_id = $1 and action = 'webhook_secret.previous_expired'", [key.apiKeyId])
    expect(rows[0].details).toMatchObject({ expiredKeyVersions: [1] })
  })

  it('drops a retained key when its window passes', async () => {
    const ctx = await buildTestContext({ databaseUrl, env: { PREVIOUS_SECRET_RETENTION_SECONDS: '2' } })
    const key = await switchedKey(ctx, 'asymmetric')
    const rotated = json(await ctx.rotate(key.apiKey, { idempotencyKey: randomUUID() })).webhookSecret.signingKey
    expect(await kids(ctx, key.jwksUrl)).toEqual([rotated.kid, key.first.kid])
    await eventually(async () => (await kids(ctx, key.jwksUrl)).length === 1, 20_000, 200)
    expect(await kids(ctx, key.jwksUrl)).toEqual([rotated.kid])
    // The sweep erases its private key; the public record stays.
    const erased = await eventually(async () => {
      const { rows } = await ctx.pool.query('select private_key, ended_reason, public_key from webhook_signing_keys where api_key_id = $1 and key_version = 1', [key.apiKeyId])
      return rows[0].private_key === null && rows[0]
    })
    expect(erased).toEqual({ private_key: null, ended_reason: 'window_passed', public_key: key.first.publicKey })
  })

  it('erases every private key of a revoked key', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const key = await switchedKey(ctx, 'asymmetric')
    await ctx.rotate(key.apiKey, { idempotencyKey: randomUUID() })
    await ctx.pool.query('update api_keys set revoked_at = now() where id = $1', [key.apiKeyId])
    const rows = await eventually(async () => {
      const { rows } = await ctx.pool.query('select key_version, private_key, ended_reason from webhook_signing_keys where api_key_id = $1 order by key_version', [key.apiKeyId])
      return rows.every((r) => r.private_key === null) && rows
    })
    expect(rows).toEqual([{ key_version: 1, private_key: null, ended_reason: 'key_revoked' }, { key_version: 2, private_key: null, ended_reason: 'key_revoked' }])
  })

  it('answers an unknown token, a malformed one and a revoked key with the not-found problem; a symmetric key publishes no keys', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const key = await switchedKey(ctx, 'asymmetric')
    for (const url of ['/v1/webhook-signing-keys/' + 'A'.repeat(32), '/v1/webhook-signing-keys/short', `/v1/webhook-signing-keys/${key.apiKeyId}`]) {
      const res = await jwks(ctx, url)
      expect(res.statusCode, url).toBe(404)
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
      expect(json(res).code).toBe('RESOURCE_NOT_FOUND')
    }
    await putScheme(ctx, key.apiKey, { scheme: 'symmetric' })
    expect(json(await jwks(ctx, key.jwksUrl))).toEqual({ keys: [] })

    await ctx.pool.query('update api_keys set revoked_at = now() where id = $1', [key.apiKeyId])
    expect(json(await jwks(ctx, key.jwksUrl)).code).toBe('RESOURCE_NOT_FOUND')
  })

  it('is rate-limited per address', async () => {
    const ctx = await buildTestContext({ databaseUrl, env: { RATE_LIMIT_PER_MINUTE: '3' } })
    const key = await switchedKey(ctx, 'asymmetric')
    const codes = []
    for (let i = 0; i < 4; i++) codes.push((await jwks(ctx, key.jwksUrl)).statusCode)
    expect(codes).toEqual([200, 200, 200, 429])
    const limited = await jwks(ctx, key.jwksUrl)
    expect(json(limited).code).toBe('RATE_LIMIT_EXCEEDED')
  })
})
