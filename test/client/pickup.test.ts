import { existsSync } from 'node:fs'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { createRotationClient, keyFingerprint, type RotatedSecret } from '@webhook-secret-rotation/client'
import { API_KEY_ENV, runRotationCommand } from '../../packages/client/src/cli/webhook-secret-rotation.js'
import { listenOnLoopback } from '../fixtures/listen.js'
import { createOperator } from '../fixtures/operators.js'
import { keyRotatedBySchedule, SCHEDULE_TEST_ENV, scheduledRotations } from '../fixtures/rotation-schedule.js'
import { buildTestContext, createTestDatabase, json, ROTATIONS_PATH, type TestContext } from '../helper.js'

let databaseUrl: string
beforeAll(async () => { databaseUrl = await createTestDatabase() })

/** A symmetric key whose schedule ran once: one scheduled rotation holding its new secret. */
async function keyWithScheduledSecret (ctx: TestContext) {
  const { key, rotation } = await keyRotatedBySchedule(ctx)
  expect(rotation.status).toBe('succeeded')
  const apiUrl = await listenOnLoopback(ctx)
  return { key, rotation, apiUrl, client: createRotationClient({ apiUrl, apiKey: key.apiKey }) }
}

const stateFileIn = async () => join(await mkdtemp(join(tmpdir(), 'pickup-')), 'pickup.json')

describe('createRotationClient().pickup', () => {
  it('a crash inside onSecret: the next pickup hands the same secret over again, then acknowledges', async () => {
    const ctx = await buildTestContext({ databaseUrl, env: SCHEDULE_TEST_ENV })
    const { key, rotation, client } = await keyWithScheduledSecret(ctx)
    const stateFile = await stateFileIn()
    const handed: RotatedSecret[] = []
    await expect(client.pickup({ stateFile, onSecret: (s) => { handed.push(s); throw new Error('disk full') } })).rejects.toThrow('disk full')
    expect((await scheduledRotations(ctx, key.apiKeyId))[0]!.secret_erased_reason).toBeNull()

    await client.pickup({ stateFile, onSecret: (s) => { handed.push(s) } })
    expect(handed.map((h) => [h.rotationId, h.secret])).toEqual([[rotation.id, handed[0]!.secret], [rotation.id, handed[0]!.secret]])
    expect(handed[0]!.secret).toBe((await ctx.secretSlots(key.apiKeyId)).current)
    expect((await scheduledRotations(ctx, key.apiKeyId))[0]!.secret_erased_reason).toBe('acknowledged')
    expect(existsSync(stateFile)).toBe(false)
  })

  it('a crash after onSecret stored the secret: the state file says so, and the next pickup only acknowledges', async () => {
    const ctx = await buildTestContext({ databaseUrl, env: SCHEDULE_TEST_ENV })
    const { key, rotation, apiUrl, client } = await keyWithScheduledSecret(ctx)
    // What pickup writes once onSecret resolved, before its acknowledgement (the crash point).
    const stateFile = await stateFileIn()
    await writeFile(stateFile, JSON.stringify({ version: 1, apiUrl, keyFingerprint: keyFingerprint(key.apiKey), storedRotationId: rotation.id, storedAt: new Date().toISOString() }))

    const handed: RotatedSecret[] = []
    expect(await client.pickup({ stateFile, onSecret: (s) => { handed.push(s) } })).toEqual([])
    expect(handed).toEqual([])
    const view = json(await ctx.get(key.apiKey, `${ROTATIONS_PATH}/${rotation.id}`)).rotation
    expect(view).toMatchObject({ secretHeld: false, secretErasedReason: 'acknowledged', secretConfirmedAt: expect.any(String) })
    expect(existsSync(stateFile)).toBe(false)
  })

  it('never hands over a held secret that no longer signs (an operator\'s recovery replaced it first)', async () => {
    const ctx = await buildTestContext({ databaseUrl, env: SCHEDULE_TEST_ENV })
    const { key, rotation, client } = await keyWithScheduledSecret(ctx)
    const op = await createOperator(ctx, `op-${randomUUID().slice(0, 8)}`)
    const recovered = await ctx.app.inject({
      method: 'POST',
      url: `/v1/admin/api-keys/${key.apiKeyId}/webhook-secret/recover`,
      headers: { authorization: `Bearer ${op.token}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      payload: JSON.stringify({ reason: 'customer lost its secret' }),
    })
    expect(recovered.statusCode).toBe(200)
    // The scheduled rotation's secret is still held, but it signs nothing any more.
    const view = json(await ctx.get(key.apiKey, `${ROTATIONS_PATH}/${rotation.id}`)).rotation
    expect(view.secretHeld).toBe(true)
    const signing = json(await ctx.get(key.apiKey, '/v1/auth/api-keys/me/webhook-secret')).webhookSecret.signingSecrets.map((s: { secretVersion: number }) => s.secretVersion)
    expect(signing).not.toContain(view.secretVersion)

    const handed: RotatedSecret[] = []
    expect(await client.pickup({ onSecret: (s) => { handed.push(s) } })).toEqual([])
    expect(handed).toEqual([])
  })

  it('refuses a state file of another API key and sends nothing for it', async () => {
    const ctx = await buildTestContext({ databaseUrl, env: SCHEDULE_TEST_ENV })
    const { key, rotation, apiUrl, client } = await keyWithScheduledSecret(ctx)
    const stateFile = await stateFileIn()
    await writeFile(stateFile, JSON.stringify({ version: 1, apiUrl, keyFingerprint: 'sha256:0000000000000000', storedRotationId: rotation.id, storedAt: new Date().toISOString() }))
    await expect(client.pickup({ stateFile, onSecret: () => {} })).rejects.toMatchObject({ code: 'STATE_FILE_MISMATCH' })
    expect((await scheduledRotations(ctx, key.apiKeyId))[0]!.secret_erased_reason).toBeNull()
  })
})

describe('webhook-secret-rotation pickup', () => {
  it('prints the scheduled rotation\'s secret once and acknowledges it; then there is nothing to pick up', async () => {
    const ctx = await buildTestContext({ databaseUrl, env: SCHEDULE_TEST_ENV })
    const { key, rotation, apiUrl } = await keyWithScheduledSecret(ctx)
    const run = async (...args: string[]) => {
      const out = { stdout: '', stderr: '' }
      const code = await runRotationCommand(['pickup', '--api-url', apiUrl, ...args], { [API_KEY_ENV]: key.apiKey }, {
        stdout: (t) => { out.stdout += t },
        stderr: (t) => { out.stderr += t },
      })
      return { code, ...out }
    }

    const first = await run('--json')
    expect(first.code, first.stderr).toBe(0)
    expect(first.stdout.trim().split('\n').map((l) => JSON.parse(l))).toEqual([
      expect.objectContaining({ rotationId: rotation.id, secret: (await ctx.secretSlots(key.apiKeyId)).current }),
    ])
    expect((await scheduledRotations(ctx, key.apiKeyId))[0]!.secret_erased_reason).toBe('acknowledged')
    expect(await run('--json')).toEqual({ code: 0, stdout: '', stderr: '' })
    expect((await run()).stdout).toMatch(/^Nothing to pick up/)
  })
})
