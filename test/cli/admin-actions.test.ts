import { execFile } from 'node:child_process'
import path from 'node:path'
import { randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { buildTestContext, createTestDatabase, json, TEST_ENCRYPTION_KEYS, TEST_PEPPER, type TestContext } from '../helper.js'
import { runAdminCli } from '../fixtures/run-admin.js'

const ROOT = path.resolve(import.meta.dirname, '../..')
const WHSEC = /^whsec_[A-Za-z0-9+/]{43}=$/

let databaseUrl: string
beforeAll(async () => { databaseUrl = await createTestDatabase() })

const admin = (ctx: TestContext, argv: string[], extra: { actionWaitMs?: number } = {}) =>
  runAdminCli({ pool: ctx.pool, config: ctx.config, queues: ctx.queues, ...extra }, argv)

/** A key its customer rotated once over HTTP: previous holds the original secret. */
async function rotatedKey (ctx: TestContext) {
  const key = await ctx.createKey()
  const res = await ctx.rotate(key.apiKey, { idempotencyKey: randomUUID() })
  expect(res.statusCode).toBe(200)
  return { ...key, rotated: json(res).webhookSecret.secret as string, customerRotationId: json(res).webhookSecret.rotationId as string }
}

async function operatorAudit (ctx: TestContext, keyId: string) {
  const { rows } = await ctx.pool.query(
    'select actor_type, actor, action, reason, rotation_id from audit_events where api_key_id = $1 and actor_type = \'operator\' order by id', [keyId])
  return rows
}

async function rotationCount (ctx: TestContext, keyId: string) {
  return (await ctx.pool.query('select count(*)::int as n from webhook_secret_rotations where api_key_id = $1', [keyId])).rows[0].n as number
}

const ROTATION_KEYS = ['id', 'kind', 'previousRetainedUntil', 'rotatedAt', 'secret', 'secretVersion', 'status']

describe('keys rollback', () => {
  it('restores the original secret through the worker, audits it with the operator and reason, and replays by idempotency key', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const key = await rotatedKey(ctx)
    const res = await admin(ctx, ['keys', 'rollback', key.apiKeyId, '--reason', 'receiver rejects the new secret', '--operator', 'alice', '--idempotency-key', 'rb-1', '--json'])
    expect(res.code, res.stderr + res.stdout).toBe(0)
    const { rotation } = res.json()
    expect(Object.keys(rotation).sort()).toEqual(ROTATION_KEYS)
    expect(rotation).toMatchObject({ kind: 'operator_rollback', status: 'succeeded', secretVersion: 3, secret: null, previousRetainedUntil: null, rotatedAt: expect.any(String) })
    const state = await ctx.secretSlots(key.apiKeyId)
    expect(state.current).toBe(key.webhookSecret)
    expect(state.previous).toBeNull()

    expect(await operatorAudit(ctx, key.apiKeyId)).toEqual([
      { actor_type: 'operator', actor: 'alice', action: 'webhook_secret.rolled_back', reason: 'receiver rejects the new secret', rotation_id: rotation.id },
    ])

    const replay = await admin(ctx, ['keys', 'rollback', key.apiKeyId, '--reason', 'receiver rejects the new secret', '--operator', 'alice', '--idempotency-key', 'rb-1'])
    expect(replay.code, replay.stderr).toBe(0)
    expect(replay.stdout).toContain(rotation.id)
    expect(replay.stdout).toMatch(/Replayed/)
    expect(await rotationCount(ctx, key.apiKeyId)).toBe(2)
    const conflict = await admin(ctx, ['keys', 'rollback', key.apiKeyId, '--reason', 'another reason', '--idempotency-key', 'rb-1'])
    expect(conflict.code).toBe(1)
    expect(conflict.stderr).toMatch(/^error: IDEMPOTENCY_KEY_CONFLICT: /)
  })

  it('exits 1 with NO_PREVIOUS_SECRET when the key holds no previous secret, and audits the failure', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const key = await ctx.createKey()
    const res = await admin(ctx, ['keys', 'rollback', key.apiKeyId, '--reason', 'try it'])
    expect(res).toMatchObject({ code: 1, stdout: '' })
    expect(res.stderr).toMatch(/^error: NO_PREVIOUS_SECRET: .*rotation [0-9a-f-]{36}/)
    expect((await admin(ctx, ['keys', 'rollback', key.apiKeyId, '--reason', 'try it', '--json'])).json().error.code).toBe('NO_PREVIOUS_SECRET')
    expect((await ctx.secretSlots(key.apiKeyId)).current).toBe(key.webhookSecret)
    const audit = await operatorAudit(ctx, key.apiKeyId)
    expect(audit).toHaveLength(2)
    expect(audit[0]).toMatchObject({ action: 'webhook_secret.rotation_failed', reason: 'try it' })
    expect(audit[0].actor).toMatch(/^admin-cli(:|$)/)
  })
})

describe('keys recover and rotations acknowledge', () => {
  it('prints the new secret once, keeps previous, and acknowledge erases the held copy', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const key = await rotatedKey(ctx)
    // Not blocked by the cooldown the customer rotation started.
    const res = await admin(ctx, ['keys', 'recover', key.apiKeyId, '--reason', 'customer lost the secret', '--operator', 'bob', '--json'])
    expect(res.code, res.stderr + res.stdout).toBe(0)
    const { rotation } = res.json()
    expect(Object.keys(rotation).sort()).toEqual(ROTATION_KEYS)
    expect(rotation).toMatchObject({ kind: 'operator_recover', status: 'succeeded', secretVersion: 3 })
    expect(rotation.secret).toMatch(WHSEC)
    const state = await ctx.secretSlots(key.apiKeyId)
    expect(state.current).toBe(rotation.secret)
    expect(state.previous).toBe(key.webhookSecret)

    const held = async (id: string) => (await ctx.pool.query('select held_secret, secret_erased_reason from webhook_secret_rotations where id = $1', [id])).rows[0]
    expect((await held(rotation.id)).held_secret).not.toBeNull()
    const ack = await admin(ctx, ['rotations', 'acknowledge', rotation.id, '--operator', 'bob', '--json'])
    expect(ack.code, ack.stderr).toBe(0)
    expect(ack.json()).toMatchObject({ erased: true, rotation: { id: rotation.id, secretHeld: false, secretErasedReason: 'acknowledged' } })
    expect(await held(rotation.id)).toEqual({ held_secret: null, secret_erased_reason: 'acknowledged' })
    const again = await admin(ctx, ['rotations', 'acknowledge', rotation.id])
    expect(again.code).toBe(0)
    expect(again.stdout).toMatch(/nothing changed/)

    expect((await operatorAudit(ctx, key.apiKeyId)).map((a) => [a.actor, a.action, a.reason])).toEqual([
      ['bob', 'webhook_secret.recovered', 'customer lost the secret'],
      ['bob', 'webhook_secret.held_secret_delivered', null],
      ['bob', 'webhook_secret.held_secret_erased', null],
    ])

    // The human form prints the secret and says what to do next.
    const human = await admin(ctx, ['keys', 'recover', key.apiKeyId, '--reason', 'lost it again'])
    expect(human.code, human.stderr).toBe(0)
    const secret = /New secret:\s+(whsec_\S+)\n/.exec(human.stdout)?.[1]
    expect(secret).toBe((await ctx.secretSlots(key.apiKeyId)).current)
    expect(human.stdout).toMatch(/hand it to the customer/i)
    expect(human.stdout).toMatch(/rotations acknowledge [0-9a-f-]{36}/)
  })

  it('refuses to acknowledge a customer rotation or an unknown id', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const key = await rotatedKey(ctx)
    for (const id of [key.customerRotationId, randomUUID(), 'not-a-uuid']) {
      const res = await admin(ctx, ['rotations', 'acknowledge', id])
      expect(res.code, id).toBe(1)
      expect(res.stderr).toMatch(/^error: RESOURCE_NOT_FOUND: /)
    }
    const { rows: [customer] } = await ctx.pool.query('select held_secret from webhook_secret_rotations where id = $1', [key.customerRotationId])
    expect(customer.held_secret).not.toBeNull()
  })
})

describe('keys expire-previous', () => {
  it('clears the previous secret and audits it', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const key = await rotatedKey(ctx)
    const res = await admin(ctx, ['keys', 'expire-previous', key.apiKeyId, '--reason', 'old secret leaked', '--operator', 'carol'])
    expect(res.code, res.stderr).toBe(0)
    expect(res.stdout).toMatch(/dual-signing stopped/)
    const state = await ctx.secretSlots(key.apiKeyId)
    expect(state).toMatchObject({ current: key.rotated, previous: null, version: 2 })
    expect(await operatorAudit(ctx, key.apiKeyId)).toMatchObject([
      { actor: 'carol', action: 'webhook_secret.previous_expired', reason: 'old secret leaked' },
    ])
  })
})

describe('operator action refusals', () => {
  it.each([
    [['--operator', 'x'], 'VALIDATION_FAILED', /--reason is required/],
    [['--reason', '   '], 'VALIDATION_FAILED', /--reason is required/],
    [['--reason', 'x'.repeat(501)], 'VALIDATION_FAILED', /at most 500/],
    [['--reason', 'x', '--operator', 'bad name'], 'VALIDATION_FAILED', /--operator/],
    [['--reason', 'x', '--idempotency-key', 'bad key!'], 'IDEMPOTENCY_KEY_FORMAT_INVALID', /Idempotency-Key/],
  ])('refuses %j with %s and starts nothing', async (args, code, message) => {
    const ctx = await buildTestContext({ databaseUrl })
    const key = await ctx.createKey()
    for (const action of ['rollback', 'recover', 'expire-previous']) {
      const res = await admin(ctx, ['keys', action, key.apiKeyId, ...args])
      expect(res).toMatchObject({ code: 1, stdout: '' })
      expect(res.stderr).toMatch(new RegExp(`^error: ${code}: `))
      expect(res.stderr).toMatch(message)
    }
    expect(await rotationCount(ctx, key.apiKeyId)).toBe(0)
  })

  it('refuses an action on a revoked key with KEY_REVOKED and starts nothing', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const key = await rotatedKey(ctx)
    expect((await admin(ctx, ['keys', 'revoke', key.apiKeyId])).code).toBe(0)
    for (const action of ['rollback', 'recover', 'expire-previous']) {
      const res = await admin(ctx, ['keys', action, key.apiKeyId, '--reason', 'ticket 9', '--json'])
      expect(res.code).toBe(1)
      expect(res.json().error).toMatchObject({ code: 'KEY_REVOKED' })
    }
    expect(await rotationCount(ctx, key.apiKeyId)).toBe(1)
  })

  it('reports an unknown or malformed key id as RESOURCE_NOT_FOUND, and bad usage with exit 2', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    for (const id of [randomUUID(), 'kash_test_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA']) {
      const res = await admin(ctx, ['keys', 'recover', id, '--reason', 'x', '--json'])
      expect(res.code).toBe(1)
      expect(res.json().error.code).toBe('RESOURCE_NOT_FOUND')
      expect(res.stdout).not.toContain('kash_test_')
    }
    expect((await admin(ctx, ['keys', 'rollback', '--reason', 'x'])).code).toBe(2)
    expect((await admin(ctx, ['keys', 'rollback', randomUUID(), '--reason', 'x', '--bogus'])).code).toBe(2)
    expect((await admin(ctx, ['rotations', 'frob'])).code).toBe(2)
    expect((await admin(ctx, ['--help'])).stdout).toMatch(/keys recover[\s\S]*rotations acknowledge[\s\S]*operators issue/)
  })

  it('exits 0 with the rotation id and a note when no worker finishes it in time', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false })
    const key = await ctx.createKey()
    const res = await admin(ctx, ['keys', 'expire-previous', key.apiKeyId, '--reason', 'leak'], { actionWaitMs: 300 })
    expect(res.code, res.stderr).toBe(0)
    const { rows: [row] } = await ctx.pool.query('select id, status from webhook_secret_rotations where api_key_id = $1', [key.apiKeyId])
    expect(row.status).toBe('queued')
    expect(res.stdout).toContain(row.id)
    expect(res.stdout).toMatch(/still queued/)
    expect(res.stdout).toMatch(/worker running\?/)
    const asJson = await admin(ctx, ['keys', 'rollback', key.apiKeyId, '--reason', 'leak', '--json'], { actionWaitMs: 100 })
    expect(asJson.code).toBe(0)
    expect(asJson.json().rotation).toMatchObject({ kind: 'operator_rollback', status: 'queued', secret: null })
    expect(asJson.stderr).toMatch(/worker running\?/)
    const early = await admin(ctx, ['rotations', 'acknowledge', row.id])
    expect(early.code).toBe(1)
    expect(early.stderr).toMatch(/^error: ROTATION_NOT_FINISHED: /)
  })
})

function runEntry (args: string[], env: Record<string, string>) {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !['DATABASE_URL', 'REDIS_URL', 'API_KEY_PEPPER', 'SECRET_ENCRYPTION_KEYS', 'DATA_DIR', 'QUEUE_PREFIX'].includes(k)))
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile('npx', ['tsx', 'src/cli/admin.ts', ...args], { cwd: ROOT, env: { ...base, ...env }, timeout: 45_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr })
    })
  })
}

describe('entry point', () => {
  it('runs an action with its own queue connection and exits when done', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const key = await rotatedKey(ctx)
    const env = { DATABASE_URL: databaseUrl, API_KEY_PEPPER: TEST_PEPPER, SECRET_ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS, QUEUE_PREFIX: ctx.config.QUEUE_PREFIX }
    const noRedis = await runEntry(['keys', 'expire-previous', key.apiKeyId, '--reason', 'leak'], env)
    expect(noRedis.code).toBe(1)
    expect(noRedis.stderr).toMatch(/REDIS_URL/)

    const res = await runEntry(['keys', 'expire-previous', key.apiKeyId, '--reason', 'leak', '--json'], { ...env, REDIS_URL: ctx.config.REDIS_URL!, USER: 'entry-test' })
    expect(res.code, res.stderr).toBe(0)
    expect(JSON.parse(res.stdout).rotation).toMatchObject({ kind: 'operator_expire_previous', status: 'succeeded' })
    expect((await ctx.secretSlots(key.apiKeyId)).previous).toBeNull()
    expect(await operatorAudit(ctx, key.apiKeyId)).toMatchObject([{ actor: 'admin-cli:entry-test', action: 'webhook_secret.previous_expired', reason: 'leak' }])
  })
})
