import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { parseEnv, type Config } from '../../src/config/config.js'
import { aad, createSecretBox } from '../../src/crypto/secret-box.js'
import { runAdminCli } from '../fixtures/run-admin.js'
import { buildTestContext, createTestDatabase, json, TEST_ENCRYPTION_KEYS, type TestContext } from '../helper.js'

// Each test counts every ciphertext of its database, so each has a database of its own.
const NEW_KEY = `k2:${Buffer.alloc(32, 9).toString('base64')}`
const ring = (raw: string) => parseEnv({ SECRET_ENCRYPTION_KEYS: raw }).SECRET_ENCRYPTION_KEYS!
/** The service's config with another SECRET_ENCRYPTION_KEYS, as an operator would deploy it. */
const withKeys = (ctx: TestContext, raw: string): Config => ({ ...ctx.config, SECRET_ENCRYPTION_KEYS: ring(raw) })

const keyring = (ctx: TestContext, keys: string, argv: string[], extra: { keyringBusyWaitMs?: number } = {}) =>
  runAdminCli({ pool: ctx.pool, config: withKeys(ctx, keys), ...extra }, ['keyring', ...argv, '--json'])

/** A rotated key: current, a retained secret (the one issued with the key) and a held secret, all under the test ring's key t1. */
async function rotatedKey (ctx: TestContext) {
  const key = await ctx.createKey()
  const res = await ctx.rotate(key.apiKey, { idempotencyKey: randomUUID() })
  expect(res.statusCode).toBe(200)
  return { ...key, original: key.webhookSecret!, rotated: json(res).webhookSecret.secret as string, rotationId: json(res).webhookSecret.rotationId as string }
}

/** Every stored plaintext, decrypted with `keys` alone (throws if any ciphertext needs another key). */
async function plaintexts (ctx: TestContext, keys: string) {
  const box = createSecretBox(ring(keys))
  const { rows: apiKeys } = await ctx.pool.query('select id, webhook_secret from api_keys order by id')
  const { rows: retained } = await ctx.pool.query(
    'select api_key_id, secret_version, secret from retained_webhook_secrets where secret is not null order by api_key_id, secret_version')
  const { rows: held } = await ctx.pool.query('select id, held_secret from webhook_secret_rotations where held_secret is not null order by id')
  return {
    keys: apiKeys.map((k) => [k.id, box.decrypt(k.webhook_secret, aad.current(k.id))]),
    retained: retained.map((r) => [r.api_key_id, r.secret_version, box.decrypt(r.secret, aad.previous(r.api_key_id))]),
    held: held.map((r) => [r.id, box.decrypt(r.held_secret, aad.held(r.id))]),
  }
}

async function kidsInUse (ctx: TestContext) {
  const { rows } = await ctx.pool.query(
    `select distinct split_part(c, '.', 2) as kid from (
       select webhook_secret as c from api_keys union all select secret from retained_webhook_secrets
       union all select held_secret from webhook_secret_rotations) s where c is not null order by 1`)
  return rows.map((r) => r.kid as string)
}

describe('admin keyring status', () => {
  it('counts the ciphertexts of current, retained and held secrets per key id, and names the keys still in use', async () => {
    const ctx = await buildTestContext({ databaseUrl: await createTestDatabase() })
    await rotatedKey(ctx)
    await rotatedKey(ctx)
    await ctx.createKey()

    const res = await keyring(ctx, `${NEW_KEY},${TEST_ENCRYPTION_KEYS}`, ['status'])

    expect(res.code).toBe(0)
    expect(res.json()).toMatchObject({
      activeKid: 'k2',
      configuredKids: ['k2', 't1'],
      counts: [
        { table: 'api_keys', column: 'webhook_secret', kid: 't1', count: 3, configured: true, active: false },
        { table: 'retained_webhook_secrets', column: 'secret', kid: 't1', count: 2, configured: true, active: false },
        { table: 'webhook_secret_rotations', column: 'held_secret', kid: 't1', count: 2, configured: true, active: false },
      ],
      notUnderActive: 7,
      removable: [],
      unknownKids: [],
    })
    const human = await runAdminCli({ pool: ctx.pool, config: withKeys(ctx, `${NEW_KEY},${TEST_ENCRYPTION_KEYS}`) }, ['keyring', 'status'])
    expect(human.stdout).toMatch(/7 ciphertext\(s\) under other keys: run `keyring rewrap`/)
    expect(human.stdout).not.toMatch(/whsec_|v1\.t1\./)
  })
})

describe('admin keyring rewrap', () => {
  it('re-encrypts every ciphertext under the first key, keeps every plaintext, audits each batch, and frees the old key', async () => {
    const ctx = await buildTestContext({ databaseUrl: await createTestDatabase() })
    for (let i = 0; i < 3; i++) await rotatedKey(ctx)
    const before = await plaintexts(ctx, TEST_ENCRYPTION_KEYS)
    expect(before.retained).toHaveLength(3)

    const res = await keyring(ctx, `${NEW_KEY},${TEST_ENCRYPTION_KEYS}`, ['rewrap', '--batch-size', '2'])

    expect(res.code).toBe(0)
    expect(res.json()).toEqual({ toKid: 'k2', keys: 3, held: 3, batches: 4, failed: [], busy: 0 })
    expect(await kidsInUse(ctx)).toEqual(['k2'])
    // The old key can go: everything decrypts with the new one alone, to the same secrets, still bound to its row and slot.
    expect(await plaintexts(ctx, NEW_KEY)).toEqual(before)
    const { rows: audits } = await ctx.pool.query("select actor_type, details from audit_events where action = 'keyring.rewrapped' order by id")
    expect(audits.map((a) => [a.actor_type, a.details.table, a.details.rows, a.details.toKid])).toEqual([
      ['operator', 'api_keys', 2, 'k2'], ['operator', 'webhook_secret_rotations', 2, 'k2'],
      ['operator', 'api_keys', 1, 'k2'], ['operator', 'webhook_secret_rotations', 1, 'k2'],
    ])
    expect(audits[0].details.fromKids).toEqual({ t1: 4 })
    const status = await keyring(ctx, `${NEW_KEY},${TEST_ENCRYPTION_KEYS}`, ['status'])
    expect(status.json()).toMatchObject({ notUnderActive: 0, removable: ['t1'] })
  })

  it('skips a row a rotation holds locked, exits 1 saying so, and a second run finishes only what was left', async () => {
    const ctx = await buildTestContext({ databaseUrl: await createTestDatabase() })
    const a = await rotatedKey(ctx)
    await rotatedKey(ctx)
    const keys = `${NEW_KEY},${TEST_ENCRYPTION_KEYS}`
    const holder = await ctx.pool.connect()
    try {
      await holder.query('begin')
      await holder.query('select id from api_keys where id = $1 for update', [a.apiKeyId]) // as the rotation rule holds it

      const first = await keyring(ctx, keys, ['rewrap'], { keyringBusyWaitMs: 0 })

      expect(first.code).toBe(1)
      expect(first.json()).toMatchObject({ keys: 1, held: 2, busy: 1, failed: [] })
    } finally {
      await holder.query('rollback')
      holder.release()
    }
    const second = await keyring(ctx, keys, ['rewrap'])
    expect(second.code).toBe(0)
    expect(second.json()).toMatchObject({ keys: 1, held: 0, busy: 0 })
    expect(await kidsInUse(ctx)).toEqual(['k2'])
  })

  it('runs alongside rotations of the same keys without blocking them, and every client secret still decrypts afterwards', async () => {
    const db = await createTestDatabase()
    const before = await buildTestContext({ databaseUrl: db, worker: false })
    const keys = await Promise.all(Array.from({ length: 4 }, () => before.createKey()))
    // The new key is deployed to every process first (it encrypts from then on), then the rewrap runs.
    const ctx = await buildTestContext({ databaseUrl: db, env: { ROTATION_COOLDOWN_SECONDS: '1', SECRET_ENCRYPTION_KEYS: `${NEW_KEY},${TEST_ENCRYPTION_KEYS}` } })
    const received = new Map(keys.map((k) => [k.apiKeyId, k.webhookSecret!]))
    const rotations = (async () => {
      for (let round = 0; round < 3; round++) {
        const results = await Promise.all(keys.map((k) => ctx.rotate(k.apiKey, { idempotencyKey: randomUUID() })))
        for (const [i, res] of results.entries()) if (res.statusCode === 200) received.set(keys[i]!.apiKeyId, json(res).webhookSecret.secret)
      }
    })()
    const rewraps = (async () => {
      const codes: number[] = []
      for (let i = 0; i < 5; i++) codes.push((await keyring(ctx, `${NEW_KEY},${TEST_ENCRYPTION_KEYS}`, ['rewrap', '--batch-size', '1'])).code)
      return codes
    })()

    const [, codes] = await Promise.all([rotations, rewraps])

    expect(codes).toEqual([0, 0, 0, 0, 0])
    const box = createSecretBox(ring(`${NEW_KEY},${TEST_ENCRYPTION_KEYS}`))
    for (const k of keys) {
      const slots = (await ctx.pool.query('select webhook_secret from api_keys where id = $1', [k.apiKeyId])).rows[0]
      expect(box.decrypt(slots.webhook_secret, aad.current(k.apiKeyId))).toBe(received.get(k.apiKeyId))
      // Every retained secret decrypts too, and the one issued with the key (confirmed) still signs.
      expect((await ctx.secretSlots(k.apiKeyId)).retained.map((r) => r.secret)).toContain(k.webhookSecret)
    }
    const { rows: unfinished } = await ctx.pool.query("select count(*)::int as n from webhook_secret_rotations where status in ('queued', 'processing')")
    expect(unfinished[0].n).toBe(0)
  })

  it('reports a ciphertext under a key id the ring does not hold, rewraps the rest, and exits 1', async () => {
    const ctx = await buildTestContext({ databaseUrl: await createTestDatabase() })
    const lost = await ctx.createKey()
    await rotatedKey(ctx)
    await ctx.pool.query("update api_keys set webhook_secret = replace(webhook_secret, 'v1.t1.', 'v1.gone.') where id = $1", [lost.apiKeyId])

    const status = await keyring(ctx, `${NEW_KEY},${TEST_ENCRYPTION_KEYS}`, ['status'])
    expect(status.json().unknownKids).toEqual(['gone'])
    const res = await keyring(ctx, `${NEW_KEY},${TEST_ENCRYPTION_KEYS}`, ['rewrap'])

    expect(res.code).toBe(1)
    expect(res.json()).toMatchObject({ keys: 1, held: 1, busy: 0, failed: [{ table: 'api_keys', id: lost.apiKeyId }] })
    expect(await kidsInUse(ctx)).toEqual(['gone', 'k2'])
  })

  it('refuses a bad --batch-size with VALIDATION_FAILED and changes nothing', async () => {
    const ctx = await buildTestContext({ databaseUrl: await createTestDatabase() })
    await ctx.createKey()
    for (const size of ['0', 'ten', '10001']) {
      const res = await keyring(ctx, `${NEW_KEY},${TEST_ENCRYPTION_KEYS}`, ['rewrap', '--batch-size', size])
      expect(res.code).toBe(1)
      expect(res.json().error.code).toBe('VALIDATION_FAILED')
    }
    expect(await kidsInUse(ctx)).toEqual(['t1'])
  })
})
