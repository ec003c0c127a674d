import { existsSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { createRotationClient, type RotatedSecret } from '@webhook-secret-rotation/client'
import { startHoldingProxy, type ProxyMode } from '../fixtures/holding-proxy.js'
import { listenOnLoopback } from '../fixtures/listen.js'
import { buildTestContext, createTestDatabase, json, ROTATE_PATH, type TestContext } from '../helper.js'
import { putScheme } from '../fixtures/signing-scheme.js'

let databaseUrl: string
beforeAll(async () => { databaseUrl = await createTestDatabase() })

/** The service behind a proxy that treats the n-th POST rotate as `rotateMode(n)` and forwards everything else. */
async function serviceBehindProxy (ctx: TestContext, rotateMode: (n: number) => ProxyMode) {
  const target = await listenOnLoopback(ctx)
  let rotates = 0
  return startHoldingProxy(target,
    (_n, path) => path === ROTATE_PATH ? rotateMode(rotates++) : 'forward')
}

async function rotateThrough (ctx: TestContext, apiUrl: string, apiKey: string, requestTimeoutMs?: number) {
  const stateFile = join(await mkdtemp(join(tmpdir(), 'rotate-client-')), 'state.json')
  const handed: RotatedSecret[] = []
  const client = createRotationClient({ apiUrl, apiKey, ...(requestTimeoutMs ? { requestTimeoutMs } : {}) })
  const result = client.rotateSecret({ stateFile, onSecret: (s) => { handed.push(s) } })
  return { result, handed, stateFile }
}

async function expectOneAcknowledgedRotation (ctx: TestContext, apiKeyId: string, handed: RotatedSecret[], stateFile: string) {
  const { rows } = await ctx.pool.query('select id, status, secret_erased_reason from webhook_secret_rotations where api_key_id = $1', [apiKeyId])
  expect(rows).toEqual([{ id: handed[0]!.rotationId, status: 'succeeded', secret_erased_reason: 'acknowledged' }])
  expect(handed.map((h) => h.secret)).toEqual([(await ctx.secretSlots(apiKeyId)).current])
  expect(existsSync(stateFile)).toBe(false)
}

describe('createRotationClient().rotateSecret', () => {
  it('replays its Idempotency-Key after a 502 and after a timeout, and gets the one rotation\'s secret', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const key = await ctx.createKey()
    const { url, answers } = await serviceBehindProxy(ctx, (n) => (['bad-gateway', 'hold'] as const)[n] ?? 'forward')
    const { result, handed, stateFile } = await rotateThrough(ctx, url, key.apiKey, 2000)
    await result
    const rotateAnswers = answers.filter((a) => a.path === ROTATE_PATH)
    expect(rotateAnswers.map((a) => [a.mode, a.status])).toEqual([['hold', 200], ['forward', 200]]) // the held answer was lost
    await expectOneAcknowledgedRotation(ctx, key.apiKeyId, handed, stateFile)
  })

  it('follows the service\'s 503 ROTATION_IN_PROGRESS, with its Location, to the rotation\'s secret', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false, env: { ROTATE_WAIT_DEFAULT_MS: '100' } })
    const key = await ctx.createKey()
    const { url, answers, waitForAnswers } = await serviceBehindProxy(ctx, () => 'forward')
    const { result, handed, stateFile } = await rotateThrough(ctx, url, key.apiKey)
    const [first] = await waitForAnswers(1)
    expect(first).toMatchObject({ path: ROTATE_PATH, status: 503 })
    ctx.startWorker()
    await result
    expect(answers.filter((a) => a.path === ROTATE_PATH)).toHaveLength(1)
    await expectOneAcknowledgedRotation(ctx, key.apiKeyId, handed, stateFile)
  })

  it('follows a 202 until the worker has finished the rotation', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false, env: { ROTATE_WAIT_DEFAULT_MS: '100' } })
    const key = await ctx.createKey()
    const { url, waitForAnswers } = await serviceBehindProxy(ctx, () => 'async')
    const { result, handed, stateFile } = await rotateThrough(ctx, url, key.apiKey)
    const [first] = await waitForAnswers(1)
    expect(first).toMatchObject({ path: ROTATE_PATH, status: 202 })
    expect(handed).toEqual([])
    ctx.startWorker()
    await result
    await expectOneAcknowledgedRotation(ctx, key.apiKeyId, handed, stateFile)
  })
})

describe('createRotationClient().rotateSecret of a key that signs with ed25519', () => {
  async function keyWithScheme (ctx: TestContext, scheme: 'asymmetric' | 'both') {
    const key = await ctx.createKey()
    expect((await putScheme(ctx, key.apiKey, { scheme })).statusCode).toBe(200)
    return key
  }
  const currentPublicKey = async (ctx: TestContext, apiKey: string) =>
    (json(await ctx.get(apiKey, '/v1/auth/api-keys/me/webhook-secret')).webhookSecret.publicKeys as { current: boolean; keyVersion: number; kid: string; publicKey: string }[]).find((k) => k.current)

  it('asymmetric: a lost answer is replayed, nothing secret is handed over (onSecret never runs), the new public key is returned', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const key = await keyWithScheme(ctx, 'asymmetric')
    const { url, answers } = await serviceBehindProxy(ctx, (n) => (['hold'] as const)[n] ?? 'forward')
    const { result, handed, stateFile } = await rotateThrough(ctx, url, key.apiKey, 2000)
    const done = await result
    expect(answers.filter((a) => a.path === ROTATE_PATH).map((a) => [a.mode, a.status])).toEqual([['hold', 200], ['forward', 200]])
    expect(handed).toEqual([])
    const current = await currentPublicKey(ctx, key.apiKey)
    expect(done).toEqual({ rotationId: expect.any(String), rotatedAt: expect.any(String), previousRetainedUntil: expect.anything(), signingKey: { keyVersion: 2, kid: current!.kid, publicKey: current!.publicKey } })
    const { rows } = await ctx.pool.query('select id from webhook_secret_rotations where api_key_id = $1', [key.apiKeyId])
    expect(rows).toEqual([{ id: done.rotationId }])
    expect(existsSync(stateFile)).toBe(false)
  })

  it('asymmetric: follows a 202 to the rotation and returns its public key', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false, env: { ROTATE_WAIT_DEFAULT_MS: '100' } })
    const key = await keyWithScheme(ctx, 'asymmetric')
    const { url, waitForAnswers } = await serviceBehindProxy(ctx, () => 'async')
    const { result, handed, stateFile } = await rotateThrough(ctx, url, key.apiKey)
    expect((await waitForAnswers(1))[0]).toMatchObject({ path: ROTATE_PATH, status: 202 })
    ctx.startWorker()
    const done = await result
    expect(handed).toEqual([])
    expect(done.signingKey).toEqual({ keyVersion: 2, kid: (await currentPublicKey(ctx, key.apiKey))!.kid, publicKey: expect.stringMatching(/^whpk_/) })
    expect(existsSync(stateFile)).toBe(false)
  })

  it('both: hands over the new secret with the new public key, and acknowledges it', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const key = await keyWithScheme(ctx, 'both')
    const { url } = await serviceBehindProxy(ctx, () => 'forward')
    const { result, handed, stateFile } = await rotateThrough(ctx, url, key.apiKey)
    const done = await result
    await expectOneAcknowledgedRotation(ctx, key.apiKeyId, handed, stateFile)
    const current = await currentPublicKey(ctx, key.apiKey)
    expect(handed[0]!.signingKey).toEqual({ keyVersion: 2, kid: current!.kid, publicKey: current!.publicKey })
    expect(done.signingKey).toEqual(handed[0]!.signingKey)
  })
})
