import { randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { generateSigningKeyPair } from '@webhook-secret-rotation/signing'
import { createOperator } from '../fixtures/operators.js'
import { startReceiver } from '../fixtures/receiver.js'
import { asymmetricVerdicts, FAILS, VERIFIES } from '../fixtures/asymmetric-verdicts.js'
import { ALL, NONE, verdicts } from '../fixtures/verdicts.js'
import { buildTestContext, createTestDatabase, json, type TestContext } from '../helper.js'
import { expireRetained, fetchJwks, putScheme, testDelivery } from '../fixtures/signing-scheme.js'

let databaseUrl: string
beforeAll(async () => { databaseUrl = await createTestDatabase() })

const METADATA = '/v1/auth/api-keys/me/webhook-secret'
const LOCAL = { WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true' }

async function switchScheme (ctx: TestContext, apiKey: string, scheme: string) {
  const res = await putScheme(ctx, apiKey, { scheme })
  expect(res.statusCode).toBe(200)
  return json(res).signingScheme as { jwksUrl: string; publicKeys: { publicKey: string; kid: string }[] }
}

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
