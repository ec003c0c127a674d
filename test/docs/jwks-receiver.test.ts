import { randomUUID } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { generateSigningKeyPair, standardWebhookHeadersWithKeys } from '@webhook-secret-rotation/signing'
import { createJwksVerifier } from '../../examples/jwks-receiver.js'
import { createArrivals } from '../fixtures/arrivals.js'
import { listenOnLoopback } from '../fixtures/listen.js'
import { createOperator } from '../fixtures/operators.js'
import { buildTestContext, createTestDatabase, json } from '../helper.js'
import { expireRetained, putScheme } from '../fixtures/signing-scheme.js'

let databaseUrl: string
beforeAll(async () => { databaseUrl = await createTestDatabase() })

const METADATA = '/v1/auth/api-keys/me/webhook-secret'

/** A webhook receiver that runs the documented verifier on every delivery and records its verdict. */
async function startVerifyingReceiver (verifyDelivery: ReturnType<typeof createJwksVerifier>) {
  const arrivals = createArrivals<{ type: string; verified: boolean }>('verified deliveries')
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      verifyDelivery(body, req.headers).then((verified) => {
        arrivals.push({ type: JSON.parse(body.toString('utf8')).type, verified })
        res.writeHead(verified ? 204 : 400).end()
      }, (err: unknown) => { res.writeHead(500).end(String(err)) })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  onTestFinished(async () => { server.closeAllConnections(); await new Promise((resolve) => server.close(resolve)) })
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, waitFor: arrivals.waitFor }
}

describe('the receiver example of the README and docs/verifying-deliveries.md', () => {
  it('is the code both show', async () => {
    const [readme, doc, example] = await Promise.all([readFile('README.md', 'utf8'), readFile('docs/verifying-deliveries.md', 'utf8'), readFile('examples/jwks-receiver.ts', 'utf8')])
    expect(readme).toContain(example.trim())
    expect(doc).toContain(example.trim())
  })

  it('verifies real deliveries with keys from the configured JWKS URL and picks up a rotation without a redeploy', async () => {
    const ctx = await buildTestContext({ databaseUrl, env: { WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true' } })
    const op = await createOperator(ctx, `op-${randomUUID().slice(0, 8)}`)
    const apiUrl = await listenOnLoopback(ctx)
    // The receiver listens before the key exists; it is configured with the JWKS URL once the key has one.
    let verifyDelivery: ReturnType<typeof createJwksVerifier> = async () => false
    const receiver = await startVerifyingReceiver((body, headers) => verifyDelivery(body, headers))

    const key = await ctx.createKey({ webhookUrl: receiver.url })
    const switched = await putScheme(ctx, key.apiKey, { scheme: 'asymmetric' })
    verifyDelivery = createJwksVerifier({ jwksUrl: `${apiUrl}${json(switched).signingScheme.jwksUrl}`, minRefreshMs: 0 })
    const testDelivery = () => ctx.app.inject({ method: 'POST', url: `${METADATA}/test-delivery`, headers: { 'x-api-key': key.apiKey } })

    await testDelivery()
    expect((await receiver.waitFor(1))[0]).toEqual({ type: 'webhook.test', verified: true })

    // Rotate, then retire the old key pair: only a key the receiver has never fetched signs now.
    expect((await ctx.rotate(key.apiKey, { idempotencyKey: randomUUID() })).statusCode).toBe(200)
    expect((await receiver.waitFor(2))[1]).toEqual({ type: 'webhook_secret.rotated', verified: true })
    const expired = await expireRetained(ctx, op.token, key.apiKeyId, 'rotation done')
    expect(expired.statusCode).toBe(200)
    await testDelivery()
    expect((await receiver.waitFor(3))[2]).toEqual({ type: 'webhook.test', verified: true })

    // A delivery signed by any other key is refused, whatever it claims.
    const forged = Buffer.from(JSON.stringify({ type: 'webhook.test' }))
    const headers = standardWebhookHeadersWithKeys('evt_forged', forged, { secrets: [], privateKeys: [generateSigningKeyPair().privateKey] }, Date.now())
    expect(await verifyDelivery(forged, headers)).toBe(false)
  })
})
