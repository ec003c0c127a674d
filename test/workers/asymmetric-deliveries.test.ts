import { createPublicKey, verify as nodeVerify, randomUUID } from 'node:crypto'
import nacl from 'tweetnacl'
import { beforeAll, describe, expect, it } from 'vitest'
import { generateSigningKeyPair, verifyStandardWebhookAsymmetric } from '@webhook-secret-rotation/signing'
import { createOperator } from '../fixtures/operators.js'
import { startReceiver, type Received } from '../fixtures/receiver.js'
import { ALL, NONE, verdicts } from '../fixtures/verdicts.js'
import { buildTestContext, createTestDatabase, json, type TestContext } from '../helper.js'
import { expireRetained, putScheme } from '../fixtures/signing-scheme.js'

let databaseUrl: string
beforeAll(async () => { databaseUrl = await createTestDatabase() })

const METADATA = '/v1/auth/api-keys/me/webhook-secret'
const LOCAL = { WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true' }

interface Jwk { kid: string; x: string; kty: string; crv: string }

async function switchScheme (ctx: TestContext, apiKey: string, scheme: string) {
  const res = await putScheme(ctx, apiKey, { scheme })
  expect(res.statusCode).toBe(200)
  return json(res).signingScheme as { jwksUrl: string; publicKeys: { publicKey: string; kid: string }[] }
}

async function fetchJwks (ctx: TestContext, url: string): Promise<Jwk[]> {
  const res = await ctx.app.inject({ method: 'GET', url })
  expect(res.statusCode).toBe(200)
  return json(res).keys
}

async function testDelivery (ctx: TestContext, apiKey: string, sign = 'both') {
  const res = await ctx.app.inject({ method: 'POST', url: `${METADATA}/test-delivery`, headers: { 'x-api-key': apiKey, 'content-type': 'application/json' }, payload: JSON.stringify({ sign }) })
  expect(res.statusCode).toBe(202)
}

const v1aEntries = (r: Received) => String(r.headers['webhook-signature']).split(' ').filter((e) => e.startsWith('v1a,')).map((e) => Buffer.from(e.slice(4), 'base64'))
const signedContent = (r: Received) => Buffer.from(`${r.headers['webhook-id']}.${r.headers['webhook-timestamp']}.${r.body}`, 'utf8')

/**
 * Whether one delivery verifies under one JWK, by three implementations: Node's crypto (the key
 * read from the JWK, not through the project's code), tweetnacl (written by others), and this
 * project's verifier (with the key as whpk_).
 */
function asymmetricVerdicts (r: Received, jwk: Jwk) {
  const data = signedContent(r)
  const nodeKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, format: 'jwk' })
  const raw = Buffer.from(jwk.x, 'base64url')
  return {
    node: v1aEntries(r).some((sig) => nodeVerify(null, data, nodeKey, sig)),
    tweetnacl: v1aEntries(r).some((sig) => nacl.sign.detached.verify(new Uint8Array(data), new Uint8Array(sig), new Uint8Array(raw))),
    kash: verifyStandardWebhookAsymmetric(r.body, r.headers, [`whpk_${raw.toString('base64')}`]).ok,
  }
}
const VERIFIES = { node: true, tweetnacl: true, kash: true }
const FAILS = { node: false, tweetnacl: false, kash: false }

describe('deliveries of a key that signs with ed25519 (v1a)', () => {
  it('with both: v1 and v1a entries in webhook-signature, X-Kash-Signature unchanged; each verifies on its own', async () => {
    const receiver = await startReceiver()
    const ctx = await buildTestContext({ databaseUrl, env: LOCAL })
    const key = await ctx.createKey({ webhookUrl: receiver.url })
    const scheme = await switchScheme(ctx, key.apiKey, 'both')
    const [jwk] = await fetchJwks(ctx, scheme.jwksUrl)

    await testDelivery(ctx, key.apiKey)
    const [delivery] = await receiver.waitFor(1)
    expect(delivery!.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}= v1a,[A-Za-z0-9+/]{86}==$/)
    // The official libraries, which verify v1 only, and the project's X-Kash-Signature verifier.
    expect(verdicts(delivery!, key.webhookSecret!)).toEqual(ALL)
    expect(asymmetricVerdicts(delivery!, jwk!)).toEqual(VERIFIES)
    expect(asymmetricVerdicts(delivery!, { ...jwk!, x: Buffer.from(generateSigningKeyPair().publicKey.slice(5), 'base64').toString('base64url') })).toEqual(FAILS)
  })

  it('with asymmetric: only v1a, by every key pair in force, during and after a rotation; a tampered body fails', async () => {
    const receiver = await startReceiver()
    const ctx = await buildTestContext({ databaseUrl, env: LOCAL })
    const op = await createOperator(ctx, `op-${randomUUID().slice(0, 8)}`)
    const key = await ctx.createKey({ webhookUrl: receiver.url })
    const scheme = await switchScheme(ctx, key.apiKey, 'asymmetric')
    const [oldJwk] = await fetchJwks(ctx, scheme.jwksUrl)

    await testDelivery(ctx, key.apiKey)
    const [before] = await receiver.waitFor(1)
    expect(before!.headers['x-kash-signature']).toBeUndefined()
    expect(before!.headers['webhook-signature']).toMatch(/^v1a,\S+$/)
    expect(asymmetricVerdicts(before!, oldJwk!)).toEqual(VERIFIES)
    expect(verdicts(before!, key.webhookSecret!)).toEqual(NONE)
    expect(asymmetricVerdicts({ ...before!, body: before!.body.replace('webhook.test', 'webhook.tset') }, oldJwk!)).toEqual(FAILS)

    // The rotation's own event is signed by the new key pair and the retained one.
    const rotated = json(await ctx.rotate(key.apiKey, { idempotencyKey: randomUUID() })).webhookSecret.signingKey
    const [, during] = await receiver.waitFor(2)
    const jwks = await fetchJwks(ctx, scheme.jwksUrl)
    expect(jwks.map((k) => k.kid)).toEqual([rotated.kid, oldJwk!.kid])
    expect(String(during!.headers['webhook-signature']).split(' ')).toHaveLength(2)
    expect(JSON.parse(during!.body)).toMatchObject({ type: 'webhook_secret.rotated' })
    expect(asymmetricVerdicts(during!, jwks[0]!)).toEqual(VERIFIES)
    expect(asymmetricVerdicts(during!, oldJwk!)).toEqual(VERIFIES)

    // Once the old key pair is expired, only the new one signs.
    const expired = await expireRetained(ctx, op.token, key.apiKeyId, 'rotation done')
    expect(expired.statusCode).toBe(200)
    await testDelivery(ctx, key.apiKey)
    const [, , after] = await receiver.waitFor(3)
    expect(after!.headers['webhook-signature']).toMatch(/^v1a,\S+$/)
    expect(asymmetricVerdicts(after!, jwks[0]!)).toEqual(VERIFIES)
    expect(asymmetricVerdicts(after!, oldJwk!)).toEqual(FAILS)
  })

  it('back to symmetric: v1 and X-Kash-Signature only, as before', async () => {
    const receiver = await startReceiver()
    const ctx = await buildTestContext({ databaseUrl, env: LOCAL })
    const key = await ctx.createKey({ webhookUrl: receiver.url })
    await switchScheme(ctx, key.apiKey, 'asymmetric')
    await switchScheme(ctx, key.apiKey, 'symmetric')
    await testDelivery(ctx, key.apiKey)
    const [delivery] = await receiver.waitFor(1)
    expect(delivery!.headers['webhook-signature']).toMatch(/^v1,\S+$/)
    expect(verdicts(delivery!, key.webhookSecret!)).toEqual(ALL)
  })

  it('signs a test delivery with the key pairs the sign choice names', async () => {
    const receiver = await startReceiver()
    const ctx = await buildTestContext({ databaseUrl, env: LOCAL })
    const key = await ctx.createKey({ webhookUrl: receiver.url })
    const scheme = await switchScheme(ctx, key.apiKey, 'asymmetric')
    const noPrevious = await ctx.app.inject({ method: 'POST', url: `${METADATA}/test-delivery`, headers: { 'x-api-key': key.apiKey, 'content-type': 'application/json' }, payload: JSON.stringify({ sign: 'previous' }) })
    expect(json(noPrevious).code).toBe('NO_PREVIOUS_SECRET')

    await ctx.rotate(key.apiKey, { idempotencyKey: randomUUID() })
    await receiver.waitFor(1)
    const [newJwk, oldJwk] = await fetchJwks(ctx, scheme.jwksUrl)
    await testDelivery(ctx, key.apiKey, 'current')
    const [, current] = await receiver.waitFor(2)
    expect([asymmetricVerdicts(current!, newJwk!), asymmetricVerdicts(current!, oldJwk!)]).toEqual([VERIFIES, FAILS])
    await testDelivery(ctx, key.apiKey, 'previous')
    const [, , previous] = await receiver.waitFor(3)
    expect([asymmetricVerdicts(previous!, newJwk!), asymmetricVerdicts(previous!, oldJwk!)]).toEqual([FAILS, VERIFIES])
  })
})
