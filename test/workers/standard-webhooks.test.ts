import { randomBytes, randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { aad, createSecretBox } from '../../src/crypto/secret-box.js'
import { toStandardSecret } from '@webhook-secret-rotation/signing'
import { startReceiver } from '../fixtures/receiver.js'
import { ALL, NONE, verdicts } from '../fixtures/verdicts.js'
import { buildTestContext, createTestDatabase, eventually, json, type TestContext } from '../helper.js'

let databaseUrl: string
beforeAll(async () => { databaseUrl = await createTestDatabase() })

const TEST_DELIVERY = '/v1/auth/api-keys/me/webhook-secret/test-delivery'
const METADATA = '/v1/auth/api-keys/me/webhook-secret'
const LOCAL = { WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true' }

async function testDelivery (ctx: TestContext, apiKey: string, sign: string) {
  const res = await ctx.app.inject({
    method: 'POST', url: TEST_DELIVERY, headers: { 'x-api-key': apiKey, 'content-type': 'application/json' }, payload: JSON.stringify({ sign }),
  })
  expect(res.statusCode).toBe(202)
  return json(res).event.id as string
}

describe('Standard Webhooks signatures on real deliveries', () => {
  it('verify with the official libraries before a rotation, with either secret in the window, and with the new one alone after it', async () => {
    const receiver = await startReceiver()
    const ctx = await buildTestContext({ databaseUrl, env: { ...LOCAL, PREVIOUS_SECRET_RETENTION_SECONDS: '3' } })
    const key = await ctx.createKey({ webhookUrl: receiver.url })
    const oldSecret = key.webhookSecret!

    const before = await testDelivery(ctx, key.apiKey, 'both')
    const [first] = await receiver.waitFor(1)
    expect(first!.headers).toMatchObject({ 'webhook-id': before, 'x-kash-event-id': before })
    expect(first!.headers['webhook-timestamp']).toBe(String(Math.floor(Number(/t=(\d+)/.exec(first!.headers['x-kash-signature'] as string)![1]) / 1000)))
    expect(first!.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/)
    expect(verdicts(first!, oldSecret)).toEqual(ALL)

    const newSecret = json(await ctx.rotate(key.apiKey, { idempotencyKey: randomUUID() })).webhookSecret.secret as string
    const [, inWindow] = await receiver.waitFor(2) // the webhook_secret.rotated event
    expect(inWindow!.headers['webhook-signature']).toMatch(/^v1,\S+ v1,\S+$/)
    expect(verdicts(inWindow!, newSecret)).toEqual(ALL)
    expect(verdicts(inWindow!, oldSecret)).toEqual(ALL)
    const [current, previous] = (inWindow!.headers['webhook-signature'] as string).split(' ')
    expect(verdicts({ ...inWindow!, headers: { ...inWindow!.headers, 'webhook-signature': current } }, newSecret).svix).toBe(true)
    expect(verdicts({ ...inWindow!, headers: { ...inWindow!.headers, 'webhook-signature': previous } }, oldSecret).svix).toBe(true)

    await eventually(async () => json(await ctx.get(key.apiKey, METADATA)).webhookSecret.previousRetainedUntil === null, 20_000, 200)
    await testDelivery(ctx, key.apiKey, 'both')
    const [, , after] = await receiver.waitFor(3)
    expect(after!.headers['webhook-signature']).toMatch(/^v1,\S+$/)
    expect(verdicts(after!, newSecret)).toEqual(ALL)
    expect(verdicts(after!, oldSecret)).toEqual(NONE)
  })

  it('signs a test delivery with the secret the sign choice names, in both schemes', async () => {
    const receiver = await startReceiver()
    const ctx = await buildTestContext({ databaseUrl, env: LOCAL })
    const key = await ctx.createKey({ webhookUrl: receiver.url })
    const newSecret = json(await ctx.rotate(key.apiKey, { idempotencyKey: randomUUID() })).webhookSecret.secret as string
    await receiver.waitFor(1)

    await testDelivery(ctx, key.apiKey, 'current')
    const [, byCurrent] = await receiver.waitFor(2)
    expect(byCurrent!.headers['webhook-signature']).toMatch(/^v1,\S+$/)
    expect(verdicts(byCurrent!, newSecret)).toEqual(ALL)
    expect(verdicts(byCurrent!, key.webhookSecret!)).toEqual(NONE)

    await testDelivery(ctx, key.apiKey, 'previous')
    const [, , byPrevious] = await receiver.waitFor(3)
    expect(verdicts(byPrevious!, key.webhookSecret!)).toEqual(ALL)
    expect(verdicts(byPrevious!, newSecret)).toEqual(NONE)
  })

  it('signs for a secret issued as base64url, which verifies once written in standard base64', async () => {
    const receiver = await startReceiver()
    const ctx = await buildTestContext({ databaseUrl, env: LOCAL })
    const key = await ctx.createKey({ webhookUrl: receiver.url })
    let bytes = randomBytes(32)
    while (!/[-_]/.test(bytes.toString('base64url'))) bytes = randomBytes(32)
    const legacy = `whsec_${bytes.toString('base64url')}`
    await ctx.pool.query('update api_keys set webhook_secret = $2 where id = $1',
      [key.apiKeyId, createSecretBox(ctx.config.SECRET_ENCRYPTION_KEYS).encrypt(legacy, aad.current(key.apiKeyId))])

    await testDelivery(ctx, key.apiKey, 'current')
    const [delivery] = await receiver.waitFor(1)
    expect(verdicts(delivery!, legacy)).toEqual({ standardwebhooks: false, svix: false, kash: true })
    const converted = toStandardSecret(legacy)!
    expect(converted).toBe(`whsec_${bytes.toString('base64')}`)
    expect(verdicts(delivery!, converted)).toMatchObject({ standardwebhooks: true, svix: true })
  })
})
