import { randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { buildTestContext, createTestDatabase, eventually, json, type TestContext } from '../helper.js'
import { runAdminCli } from '../fixtures/run-admin.js'

let databaseUrl: string
beforeAll(async () => { databaseUrl = await createTestDatabase() })

const admin = (ctx: TestContext, argv: string[]) => runAdminCli({ pool: ctx.pool, config: ctx.config, queues: ctx.queues }, argv)

/** Two customer rotations whose secrets were never acknowledged: versions 1 (issued) and 2 retained, 3 current. */
async function twiceRotatedKey (ctx: TestContext) {
  const key = await ctx.createKey()
  const secrets = [key.webhookSecret!]
  for (let i = 0; i < 2; i++) {
    await eventually(async () => (await ctx.pool.query('select secret_rotated_at + interval \'1 second\' < now() as over from api_keys where id = $1', [key.apiKeyId])).rows[0].over !== false)
    const res = await ctx.rotate(key.apiKey, { idempotencyKey: randomUUID() })
    expect(res.statusCode, res.body).toBe(200)
    secrets.push(json(res).webhookSecret.secret as string)
  }
  expect((await ctx.secretSlots(key.apiKeyId)).signing).toEqual([secrets[2], secrets[1], secrets[0]])
  return { ...key, secrets }
}

describe('--secret-version on the admin CLI', () => {
  it('keys rollback --secret-version restores the named earlier secret, not the newest confirmed one, and the others keep signing', async () => {
    const ctx = await buildTestContext({ databaseUrl, env: { ROTATION_COOLDOWN_SECONDS: '1' } })
    const key = await twiceRotatedKey(ctx)
    const res = await admin(ctx, ['keys', 'rollback', key.apiKeyId, '--secret-version', '2', '--reason', 'restore v2', '--json'])
    expect(res.code, res.stderr + res.stdout).toBe(0)
    // Without the flag the confirmed original (version 1) would have been restored.
    expect((await ctx.secretSlots(key.apiKeyId)).signing).toEqual([key.secrets[1], key.secrets[0]])
  })

  it('keys expire-previous --secret-version stops only that secret signing', async () => {
    const ctx = await buildTestContext({ databaseUrl, env: { ROTATION_COOLDOWN_SECONDS: '1' } })
    const key = await twiceRotatedKey(ctx)
    const res = await admin(ctx, ['keys', 'expire-previous', key.apiKeyId, '--secret-version', '1', '--reason', 'v1 leaked', '--json'])
    expect(res.code, res.stderr + res.stdout).toBe(0)
    expect((await ctx.secretSlots(key.apiKeyId)).signing).toEqual([key.secrets[2], key.secrets[1]])
  })

  it('refuses a malformed --secret-version, or one on recover, with VALIDATION_FAILED, and one that does not sign with NO_PREVIOUS_SECRET; nothing changes', async () => {
    const ctx = await buildTestContext({ databaseUrl, env: { ROTATION_COOLDOWN_SECONDS: '1' } })
    const key = await twiceRotatedKey(ctx)
    const before = await ctx.secretSlots(key.apiKeyId)
    for (const [argv, message] of [
      [['keys', 'rollback', key.apiKeyId, '--secret-version', 'two', '--reason', 'x'], /whole number/],
      [['keys', 'recover', key.apiKeyId, '--secret-version', '1', '--reason', 'x'], /not recover/],
    ] as const) {
      const res = await admin(ctx, [...argv])
      expect(res).toMatchObject({ code: 1, stdout: '' })
      expect(res.stderr).toMatch(/^error: VALIDATION_FAILED: /)
      expect(res.stderr).toMatch(message)
    }
    const notSigning = await admin(ctx, ['keys', 'rollback', key.apiKeyId, '--secret-version', '3', '--reason', 'current is not earlier'])
    expect(notSigning.code).toBe(1)
    expect(notSigning.stderr).toMatch(/^error: NO_PREVIOUS_SECRET: /)
    expect(await ctx.secretSlots(key.apiKeyId)).toEqual(before)
  })
})
