import { existsSync } from 'node:fs'
import { mkdtemp, readdir, readFile } from 'node:fs/promises'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { ROTATE_USAGE } from '../../packages/client/src/cli/webhook-secret-rotation.js'
import { CLIENT_ERROR_CODES } from '../../packages/client/src/errors.js'
import { freePort } from '../../src/embedded/free-port.js'
import { ERROR_CATALOGUE } from '../../src/errors/catalogue.js'
import { keyFingerprint, normalizeApiUrl, writeState } from '../../packages/client/src/state-file.js'
import { startHoldingProxy } from '../fixtures/holding-proxy.js'
import { listenOnLoopback } from '../fixtures/listen.js'
import { runRotateCommand, spawnRotateCommand } from '../fixtures/run-rotate-command.js'
import { buildTestContext, createTestDatabase, eventually, json, type TestContext } from '../helper.js'

let databaseUrl: string
beforeAll(async () => { databaseUrl = await createTestDatabase() })

async function stateFilePath () {
  return join(await mkdtemp(join(tmpdir(), 'rotate-state-')), 'rotation.json')
}

async function rotationsOf (ctx: TestContext, apiKeyId: string) {
  const { rows } = await ctx.pool.query<{ id: string; status: string; idempotency_key: string; secret_erased_reason: string | null }>(
    'select id, status, idempotency_key, secret_erased_reason from webhook_secret_rotations where api_key_id = $1 order by requested_at', [apiKeyId])
  return rows
}

/** The rerun finished the one rotation: same secret as the key now has, acknowledged, state cleared. */
async function expectFinishedOnce (ctx: TestContext, apiKeyId: string, stdout: string, stateFile: string) {
  const printed = JSON.parse(stdout.trim())
  const rotations = await rotationsOf(ctx, apiKeyId)
  expect(rotations).toHaveLength(1)
  expect(rotations[0]).toMatchObject({ id: printed.rotationId, status: 'succeeded', secret_erased_reason: 'acknowledged' })
  expect(printed.secret).toBe((await ctx.secretSlots(apiKeyId)).current)
  expect((await ctx.secretSlots(apiKeyId)).version).toBe(2)
  expect(existsSync(stateFile)).toBe(false)
}

describe('webhook-secret-rotation rotate', () => {
  it('of a key that signs with ed25519 only: prints the new public key, nothing secret, and leaves no state', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const apiUrl = await listenOnLoopback(ctx)
    const key = await ctx.createKey()
    expect((await ctx.app.inject({ method: 'PUT', url: '/v1/auth/api-keys/me/webhook-secret/scheme', headers: { 'x-api-key': key.apiKey, 'content-type': 'application/json' }, payload: '{"scheme":"asymmetric"}' })).statusCode).toBe(200)

    const stateFile = await stateFilePath()
    const run = await runRotateCommand({ apiUrl, stateFile, apiKey: key.apiKey })
    expect(run.code, run.stderr).toBe(0)
    const printed = JSON.parse(run.stdout.trim())
    const current = json(await ctx.get(key.apiKey, '/v1/auth/api-keys/me/webhook-secret')).webhookSecret.publicKeys.find((k: { current: boolean }) => k.current)
    expect(printed).toEqual({ rotationId: (await rotationsOf(ctx, key.apiKeyId))[0]!.id, rotatedAt: expect.any(String), previousRetainedUntil: expect.anything(), signingKey: { keyVersion: 2, kid: current.kid, publicKey: current.publicKey } })
    expect(run.stdout).not.toMatch(/whsec_|whsk_/)
    expect(existsSync(stateFile)).toBe(false)
  })

  it('finishes the same rotation after being SIGKILLed before the worker committed it', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false, env: { ROTATE_WAIT_DEFAULT_MS: '30000' } })
    const apiUrl = await listenOnLoopback(ctx)
    const key = await ctx.createKey()
    const stateFile = await stateFilePath()

    const first = spawnRotateCommand({ apiUrl, stateFile, apiKey: key.apiKey })
    const [pending] = await eventually(async () => { const r = await rotationsOf(ctx, key.apiKeyId); return r.length > 0 && r })
    expect(pending!.status).toBe('queued') // no worker yet: the request is waiting for it
    const state = await readFile(stateFile, 'utf8')
    expect(JSON.parse(state).idempotencyKey).toBe(pending!.idempotency_key)
    expect(state).not.toMatch(/whsec_|kash_test_/)
    first.child.kill('SIGKILL')
    expect((await first.exited).signal).toBe('SIGKILL')

    ctx.startWorker()
    const rerun = await runRotateCommand({ apiUrl, stateFile, apiKey: key.apiKey })
    expect(rerun.stderr).toBe('')
    expect(rerun.code).toBe(0)
    await expectFinishedOnce(ctx, key.apiKeyId, rerun.stdout, stateFile)
  })

  it('finishes the same rotation after being SIGKILLed once the worker committed it and the answer was lost', async () => {
    let committed!: () => void
    const commit = new Promise<void>((resolve) => { committed = resolve })
    const ctx = await buildTestContext({ databaseUrl, afterCommit: async () => { committed() } })
    const proxy = await startHoldingProxy(await listenOnLoopback(ctx), () => 'hold')
    const key = await ctx.createKey()
    const stateFile = await stateFilePath()

    const first = spawnRotateCommand({ apiUrl: proxy.url, stateFile, apiKey: key.apiKey })
    await commit
    expect((await proxy.waitForAnswers(1)).map((a) => a.status)).toEqual([200]) // the service answered with the secret; the client never saw it
    first.child.kill('SIGKILL')
    const killed = await first.exited
    expect(killed.signal).toBe('SIGKILL')
    expect(killed.stdout).toBe('')

    proxy.proxy.mode = () => 'forward'
    const rerun = await runRotateCommand({ apiUrl: proxy.url, stateFile, apiKey: key.apiKey })
    expect(rerun.stderr).toBe('')
    expect(rerun.code).toBe(0)
    await expectFinishedOnce(ctx, key.apiKeyId, rerun.stdout, stateFile)
  })

  it('fetches the rotation that started the cooldown instead of rotating again', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const apiUrl = await listenOnLoopback(ctx)
    const key = await ctx.createKey()
    const lost = json(await ctx.rotate(key.apiKey, { idempotencyKey: 'lost-response-1' })).webhookSecret

    const stateFile = await stateFilePath()
    const run = await runRotateCommand({ apiUrl, stateFile, apiKey: key.apiKey })
    expect(run.code).toBe(0)
    expect(JSON.parse(run.stdout)).toMatchObject({ rotationId: lost.rotationId, secret: lost.secret })
    await expectFinishedOnce(ctx, key.apiKeyId, run.stdout, stateFile)
  })

  it('refuses a state file from another API key or another service, and rotates nothing', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false })
    const apiUrl = await listenOnLoopback(ctx)
    const key = await ctx.createKey()
    const other = await ctx.createKey()
    const base = { version: 1 as const, idempotencyKey: 'unfinished-1', startedAt: new Date().toISOString() }

    const otherKeyFile = await stateFilePath()
    await writeState(otherKeyFile, { ...base, apiUrl: normalizeApiUrl(apiUrl), keyFingerprint: keyFingerprint(other.apiKey) })
    const wrongKey = await runRotateCommand({ apiUrl, stateFile: otherKeyFile, apiKey: key.apiKey })
    expect(wrongKey.code).toBe(1)
    expect(JSON.parse(wrongKey.stdout).error).toMatchObject({ code: 'STATE_FILE_MISMATCH' })
    expect(JSON.parse(wrongKey.stdout).error.message).toMatch(/another API key/)

    const otherUrlFile = await stateFilePath()
    await writeState(otherUrlFile, { ...base, apiUrl: 'https://api.example.com', keyFingerprint: keyFingerprint(key.apiKey) })
    const wrongUrl = await runRotateCommand({ apiUrl, stateFile: otherUrlFile, apiKey: key.apiKey })
    expect(wrongUrl.code).toBe(1)
    expect(JSON.parse(wrongUrl.stdout).error.message).toMatch(/https:\/\/api\.example\.com/)

    expect(await rotationsOf(ctx, key.apiKeyId)).toEqual([])
    expect(existsSync(otherKeyFile) && existsSync(otherUrlFile)).toBe(true)
  })

  it('fails at once on an API URL that refuses connections, naming it, and leaves no state behind', async () => {
    const apiUrl = `http://127.0.0.1:${await freePort()}`
    const stateFile = await stateFilePath()
    const run = await runRotateCommand({ apiUrl, stateFile, apiKey: `kash_test_${'a'.repeat(32)}` })
    expect(run.code).toBe(1)
    const { error } = JSON.parse(run.stdout)
    expect(error.code).toBe('API_UNREACHABLE')
    expect(error.message).toContain(`cannot reach ${apiUrl} (ECONNREFUSED); nothing was sent`)
    // Nothing was sent with its key: kept, the state file would refuse the corrected --api-url.
    expect(existsSync(stateFile)).toBe(false)
  })

  it('refuses a malformed API key before the first request, without echoing it', async () => {
    let requests = 0
    const server = http.createServer((_req, res) => { requests++; res.writeHead(500).end() })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())))
    const stateFile = await stateFilePath()
    const run = await runRotateCommand({ apiUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, stateFile, apiKey: 'kash_test_pasted-with-a-typo' })
    expect(run.code).toBe(1)
    const { error } = JSON.parse(run.stdout)
    expect(error.code).toBe('API_KEY_MALFORMED')
    expect(run.stdout + run.stderr).not.toContain('pasted-with-a-typo')
    expect(requests).toBe(0)
    expect(existsSync(stateFile)).toBe(false)
  })

  it('prints only codes of the service\'s catalogue or the client\'s own, which its usage documents', async () => {
    const sources = [
      ...(await readdir('packages/client/src')).filter((f) => f.endsWith('.ts') && f !== 'openapi-types.ts').map((f) => join('packages/client/src', f)),
      'packages/client/src/cli/webhook-secret-rotation.ts',
    ]
    const printed = new Set<string>()
    for (const file of sources) {
      const text = await readFile(file, 'utf8')
      for (const m of text.matchAll(/(?:RotationClientError\(|refuse\(|code: )'([A-Z_]+)'/g)) printed.add(m[1]!)
      for (const m of text.matchAll(/\?\? '([A-Z_]+)'/g)) printed.add(m[1]!)
    }
    expect(printed.size).toBeGreaterThan(5)
    for (const code of printed) expect(code in ERROR_CATALOGUE || code in CLIENT_ERROR_CODES, code).toBe(true)
    for (const code of Object.keys(CLIENT_ERROR_CODES)) {
      expect(code in ERROR_CATALOGUE, `${code} is the service's`).toBe(false)
      expect(ROTATE_USAGE).toContain(`${code}: `)
    }
    expect(printed).not.toContain('SERVICE_UNAVAILABLE')
  })
})
