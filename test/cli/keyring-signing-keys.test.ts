import { randomUUID, createPublicKey } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { parseEnv } from '../../src/config/config.js'
import { aad, createSecretBox } from '../../src/crypto/secret-box.js'
import { signingPrivateKey } from '@webhook-secret-rotation/signing'
import { runAdminCli } from '../fixtures/run-admin.js'
import { buildTestContext, createTestDatabase, json, TEST_ENCRYPTION_KEYS, type TestContext } from '../helper.js'
import { putScheme } from '../fixtures/signing-scheme.js'

const NEW_KEY = `k2:${Buffer.alloc(32, 9).toString('base64')}`
const ring = (raw: string) => parseEnv({ SECRET_ENCRYPTION_KEYS: raw }).SECRET_ENCRYPTION_KEYS!
const keyring = (ctx: TestContext, keys: string, argv: string[]) =>
  runAdminCli({ pool: ctx.pool, config: { ...ctx.config, SECRET_ENCRYPTION_KEYS: ring(keys) } }, ['keyring', ...argv, '--json'])

/** Each private key decrypted with `keys` alone, as the public key it belongs to (never printed). */
async function privateKeysAsPublic (ctx: TestContext, keys: string) {
  const box = createSecretBox(ring(keys))
  const { rows } = await ctx.pool.query('select api_key_id, key_version, private_key, public_key from webhook_signing_keys where private_key is not null order by api_key_id, key_version')
  return rows.map((r) => {
    const privateKey = signingPrivateKey(box.decrypt(r.private_key, aad.signingKey(r.api_key_id, r.key_version)))!
    const x = createPublicKey(privateKey).export({ format: 'jwk' }).x!
    return { stored: r.public_key as string, derived: `whpk_${Buffer.from(x, 'base64url').toString('base64')}` }
  })
}

describe('admin keyring and asymmetric private keys', () => {
  it('counts the private keys per master key and rewraps them with the key, still bound to their row', async () => {
    const ctx = await buildTestContext({ databaseUrl: await createTestDatabase() })
    const key = await ctx.createKey()
    await putScheme(ctx, key.apiKey, { scheme: 'asymmetric' })
    expect(json(await ctx.rotate(key.apiKey, { idempotencyKey: randomUUID() })).webhookSecret.signingKey.keyVersion).toBe(2)

    const status = await keyring(ctx, `${NEW_KEY},${TEST_ENCRYPTION_KEYS}`, ['status'])
    expect(status.json().counts).toContainEqual({ table: 'webhook_signing_keys', column: 'private_key', kid: 't1', count: 2, configured: true, active: false })

    const res = await keyring(ctx, `${NEW_KEY},${TEST_ENCRYPTION_KEYS}`, ['rewrap'])
    expect(res.code).toBe(0)
    expect(res.json()).toMatchObject({ toKid: 'k2', failed: [], busy: 0 })
    const after = await keyring(ctx, NEW_KEY, ['status'])
    expect(after.json()).toMatchObject({ notUnderActive: 0, unknownKids: [] })
    const pairs = await privateKeysAsPublic(ctx, NEW_KEY)
    expect(pairs).toHaveLength(2)
    for (const p of pairs) expect(p.derived).toBe(p.stored)
    expect(res.stdout + status.stdout + after.stdout).not.toMatch(/whsk_|v1\.t1\./)
  })
})
