import { randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { createOperator } from '../../fixtures/operators.js'
import { revokeKey } from '../../../src/domain/api-keys.js'
import { runAdminCli } from '../../fixtures/run-admin.js'
import { buildTestContext, createTestDatabase, eventually, json, type TestContext } from '../../helper.js'
import { SCHEME_PATH, putScheme } from '../../fixtures/signing-scheme.js'

let databaseUrl: string
beforeAll(async () => { databaseUrl = await createTestDatabase() })

const METADATA = '/v1/auth/api-keys/me/webhook-secret'
const WHPK = /^whpk_[A-Za-z0-9+/]{43}=$/

function operatorScheme (ctx: TestContext, token: string, keyId: string, body: unknown) {
  return ctx.app.inject({
    method: 'PUT', url: `/v1/admin/api-keys/${keyId}/webhook-secret/scheme`, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: JSON.stringify(body),
  })
}

async function auditActions (ctx: TestContext, keyId: string, action: string) {
  const { rows } = await ctx.pool.query('select actor_type, actor, reason, details from audit_events where api_key_id = $1 and action = $2 order by id', [keyId, action])
  return rows
}

/** The rows a test compares before and after a refused request: nothing may change. */
async function keyState (ctx: TestContext, keyId: string) {
  const { rows: [key] } = await ctx.pool.query('select signing_scheme, jwks_token, webhook_secret, secret_version from api_keys where id = $1', [keyId])
  const { rows: pairs } = await ctx.pool.query('select key_version, public_key, private_key, retained_until, ended_at from webhook_signing_keys where api_key_id = $1 order by key_version', [keyId])
  const { rows: [{ n }] } = await ctx.pool.query('select count(*)::int as n from audit_events where api_key_id = $1', [keyId])
  return { key, pairs, audits: n as number }
}

function expectNoPrivateKey (...bodies: string[]) {
  for (const body of bodies) expect(body).not.toMatch(/whsk_|privateKey|private_key/)
}

async function asymmetricKey (ctx: TestContext, scheme: 'asymmetric' | 'both' = 'asymmetric') {
  const key = await ctx.createKey()
  const res = await putScheme(ctx, key.apiKey, { scheme })
  expect(res.statusCode).toBe(200)
  return { ...key, scheme: json(res).signingScheme }
}

describe('PUT /v1/auth/api-keys/me/webhook-secret/scheme', () => {
  it('switches a key to asymmetric: its first key pair, a JWKS URL, audited; the same scheme again changes nothing', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const key = await ctx.createKey()
    const before = json(await ctx.get(key.apiKey, METADATA)).webhookSecret
    expect(before).toMatchObject({ signingScheme: 'symmetric', jwksUrl: null, publicKeys: [] })

    const res = await putScheme(ctx, key.apiKey, { scheme: 'asymmetric', reason: 'moving to v1a' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['cache-control']).toBe('no-store')
    const scheme = json(res).signingScheme
    expect(scheme.signingScheme).toBe('asymmetric')
    expect(scheme.publicKeys).toHaveLength(1)
    expect(scheme.publicKeys[0]).toMatchObject({ keyVersion: 1, current: true, retainedUntil: null, publicKey: expect.stringMatching(WHPK), kid: expect.any(String) })
    expect(scheme.jwksUrl).toMatch(/^\/v1\/webhook-signing-keys\/[A-Za-z0-9_-]{32}$/)
    // The URL names neither the API key nor its id.
    expect(scheme.jwksUrl).not.toContain(key.apiKeyId)
    expect(scheme.jwksUrl).not.toContain(key.apiKey.slice(10))

    const audits = await auditActions(ctx, key.apiKeyId, 'webhook_secret.scheme_changed')
    expect(audits).toEqual([{ actor_type: 'customer', actor: key.apiKeyId, reason: 'moving to v1a', details: { from: 'symmetric', to: 'asymmetric', issuedKeyVersion: 1, kid: scheme.publicKeys[0].kid } }])
    // Stored encrypted, never in the clear; the whsec_ secret is untouched.
    const state = await keyState(ctx, key.apiKeyId)
    expect(state.pairs[0].private_key).toMatch(/^v1\.t1\./)
    expect((await ctx.secretSlots(key.apiKeyId)).current).toBe(key.webhookSecret)

    const again = await putScheme(ctx, key.apiKey, { scheme: 'asymmetric' })
    expect(again.statusCode).toBe(200)
    expect(json(again).signingScheme).toEqual(scheme)
    expect(await auditActions(ctx, key.apiKeyId, 'webhook_secret.scheme_changed')).toHaveLength(1)

    const metadata = await ctx.get(key.apiKey, METADATA)
    expect(json(metadata).webhookSecret).toMatchObject(scheme)
    expectNoPrivateKey(res.body, again.body, metadata.body)
  })

  it('keeps the key pair across a switch to both, back to symmetric and to asymmetric again', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const key = await asymmetricKey(ctx)
    const both = json(await putScheme(ctx, key.apiKey, { scheme: 'both' })).signingScheme
    expect(both.publicKeys).toEqual(key.scheme.publicKeys)
    const symmetric = json(await putScheme(ctx, key.apiKey, { scheme: 'symmetric' })).signingScheme
    expect(symmetric).toEqual({ signingScheme: 'symmetric', jwksUrl: key.scheme.jwksUrl, publicKeys: [] })
    const back = json(await putScheme(ctx, key.apiKey, { scheme: 'asymmetric' })).signingScheme
    expect(back).toEqual(key.scheme)
    expect((await auditActions(ctx, key.apiKeyId, 'webhook_secret.scheme_changed')).map((a) => [a.details.from, a.details.to]))
      .toEqual([['symmetric', 'asymmetric'], ['asymmetric', 'both'], ['both', 'symmetric'], ['symmetric', 'asymmetric']])
  })

  it('refuses bad input with a problem and changes nothing', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const key = await ctx.createKey()
    const before = await keyState(ctx, key.apiKeyId)
    for (const body of [{ scheme: 'rsa' }, {}, { scheme: 'asymmetric', extra: 1 }, { scheme: 'asymmetric', reason: 'x'.repeat(501) }, 'asymmetric']) {
      const res = await putScheme(ctx, key.apiKey, body)
      expect(res.statusCode, JSON.stringify(body)).toBe(400)
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
      expect(json(res).code).toBe('VALIDATION_FAILED')
    }
    const noKey = await ctx.app.inject({ method: 'PUT', url: SCHEME_PATH, headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ scheme: 'asymmetric' }) })
    expect(noKey.statusCode).toBe(401)
    expect(json(noKey).code).toBe('API_KEY_MISSING')
    expect(await keyState(ctx, key.apiKeyId)).toEqual(before)

    const noWebhook = await ctx.createKey({ webhookUrl: null })
    const refused = await putScheme(ctx, noWebhook.apiKey, { scheme: 'asymmetric' })
    expect(refused.statusCode).toBe(409)
    expect(json(refused).code).toBe('WEBHOOK_NOT_CONFIGURED')
    expect((await keyState(ctx, noWebhook.apiKeyId)).pairs).toEqual([])
  })
})

describe('PUT /v1/admin/api-keys/{keyId}/webhook-secret/scheme', () => {
  it('lets an operator switch a key, audited with the operator and the reason, and answers the public key only', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const op = await createOperator(ctx, `op-${randomUUID().slice(0, 8)}`)
    const key = await ctx.createKey()

    const res = await operatorScheme(ctx, op.token, key.apiKeyId, { scheme: 'both', reason: 'customer asked, ticket 42' })
    expect(res.statusCode).toBe(200)
    const scheme = json(res).signingScheme
    expect(scheme).toMatchObject({ signingScheme: 'both', publicKeys: [{ keyVersion: 1, current: true, publicKey: expect.stringMatching(WHPK) }] })
    expectNoPrivateKey(res.body)
    expect(await auditActions(ctx, key.apiKeyId, 'webhook_secret.scheme_changed')).toEqual([
      { actor_type: 'operator', actor: op.name, reason: 'customer asked, ticket 42', details: { from: 'symmetric', to: 'both', issuedKeyVersion: 1, kid: scheme.publicKeys[0].kid } },
    ])
    expect(json(await ctx.get(key.apiKey, METADATA)).webhookSecret).toMatchObject(scheme)
    const view = await ctx.app.inject({ method: 'GET', url: `/v1/admin/api-keys/${key.apiKeyId}`, headers: { authorization: `Bearer ${op.token}` } })
    expect(json(view).apiKey).toMatchObject(scheme)
    expectNoPrivateKey(view.body)
  })

  it('refuses a missing reason, an unknown key, a revoked key and a bad token, changing nothing', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const op = await createOperator(ctx, `op-${randomUUID().slice(0, 8)}`)
    const key = await ctx.createKey()
    const before = await keyState(ctx, key.apiKeyId)

    const noReason = await operatorScheme(ctx, op.token, key.apiKeyId, { scheme: 'asymmetric' })
    expect([noReason.statusCode, json(noReason).code]).toEqual([400, 'VALIDATION_FAILED'])
    const unknown = await operatorScheme(ctx, op.token, randomUUID(), { scheme: 'asymmetric', reason: 'x' })
    expect([unknown.statusCode, json(unknown).code]).toEqual([404, 'RESOURCE_NOT_FOUND'])
    const notUuid = await operatorScheme(ctx, op.token, 'nope', { scheme: 'asymmetric', reason: 'x' })
    expect([notUuid.statusCode, json(notUuid).code]).toEqual([404, 'RESOURCE_NOT_FOUND'])
    const badToken = await operatorScheme(ctx, 'kash_op_' + 'x'.repeat(40), key.apiKeyId, { scheme: 'asymmetric', reason: 'x' })
    expect(badToken.statusCode).toBe(401)
    expect(await keyState(ctx, key.apiKeyId)).toEqual(before)

    await revokeKey(ctx.pool, key.apiKeyId, { actorType: 'system', actor: 'test' })
    // The sweep erases a revoked key's secrets (audited) on its own schedule: let it finish first.
    await eventually(async () => (await ctx.pool.query('select secrets_erased_at from api_keys where id = $1', [key.apiKeyId])).rows[0].secrets_erased_at !== null)
    const revokedBefore = await keyState(ctx, key.apiKeyId)
    const revoked = await operatorScheme(ctx, op.token, key.apiKeyId, { scheme: 'asymmetric', reason: 'x' })
    expect([revoked.statusCode, json(revoked).code]).toEqual([409, 'KEY_REVOKED'])
    expect(await keyState(ctx, key.apiKeyId)).toEqual(revokedBefore)
  })
})

describe('admin keys issue --scheme', () => {
  it('issues a key that signs with ed25519 from the start: its first key pair, a JWKS URL, audited; public keys only', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const cli = (argv: string[]) => runAdminCli({ pool: ctx.pool, config: ctx.config }, argv)

    const res = await cli(['keys', 'issue', '--webhook-url', 'https://hooks.example.com/x', '--scheme', 'asymmetric', '--json'])
    expect(res.code, res.stderr).toBe(0)
    const issued = res.json()
    expect(issued.signingScheme).toMatchObject({ signingScheme: 'asymmetric', jwksUrl: expect.stringMatching(/^\/v1\/webhook-signing-keys\//), publicKeys: [{ keyVersion: 1, current: true, publicKey: expect.stringMatching(WHPK) }] })
    expect(json(await ctx.get(issued.apiKey, METADATA)).webhookSecret).toMatchObject(issued.signingScheme)
    const jwks = await ctx.app.inject({ method: 'GET', url: issued.signingScheme.jwksUrl })
    expect(jwks.statusCode).toBe(200)
    expect(json(jwks).keys.map((k: { kid: string }) => k.kid)).toEqual([issued.signingScheme.publicKeys[0].kid])
    expect(await auditActions(ctx, issued.apiKeyId, 'api_key.issued')).toEqual([
      expect.objectContaining({ details: expect.objectContaining({ signingScheme: 'asymmetric', keyVersion: 1, kid: issued.signingScheme.publicKeys[0].kid }) }),
    ])

    const both = await cli(['keys', 'issue', '--webhook-url', 'https://hooks.example.com/y', '--scheme', 'both'])
    expect(both.code, both.stderr).toBe(0)
    expect(both.stdout).toMatch(/Signing scheme:\s+both/)
    expect(both.stdout).toMatch(/Public key v1:\s+whpk_/)
    const symmetric = await cli(['keys', 'issue', '--webhook-url', 'https://hooks.example.com/z', '--json'])
    expect(Object.keys(symmetric.json()).sort()).toEqual(['apiKey', 'apiKeyId', 'webhookSecret'])
    expectNoPrivateKey(res.stdout, both.stdout)
  })

  it('refuses an unknown scheme, and a scheme for a key without a webhook, issuing nothing', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const cli = (argv: string[]) => runAdminCli({ pool: ctx.pool, config: ctx.config }, argv)
    const count = async () => (await ctx.pool.query('select count(*)::int as n from api_keys')).rows[0].n as number
    const before = await count()
    for (const argv of [['--webhook-url', 'https://hooks.example.com/x', '--scheme', 'rsa'], ['--no-webhook', '--scheme', 'asymmetric']]) {
      const bad = await cli(['keys', 'issue', ...argv, '--json'])
      expect([bad.code, bad.json().error.code], argv.join(' ')).toEqual([1, 'VALIDATION_FAILED'])
    }
    expect(await count()).toBe(before)
  })
})

describe('admin keys scheme', () => {
  it('switches a key from the CLI, audited with the operator and reason, printing public keys only', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const key = await ctx.createKey()
    const cli = (argv: string[]) => runAdminCli({ pool: ctx.pool, config: ctx.config }, argv)

    const res = await cli(['keys', 'scheme', key.apiKeyId, '--scheme', 'asymmetric', '--reason', 'ticket 7', '--operator', 'carol', '--json'])
    expect(res.code, res.stderr).toBe(0)
    const { changed, signingScheme } = res.json()
    expect(changed).toBe(true)
    expect(signingScheme).toMatchObject({ signingScheme: 'asymmetric', publicKeys: [{ keyVersion: 1, current: true }] })
    expect(json(await ctx.get(key.apiKey, METADATA)).webhookSecret).toMatchObject(signingScheme)
    expect(await auditActions(ctx, key.apiKeyId, 'webhook_secret.scheme_changed')).toEqual([
      { actor_type: 'operator', actor: 'carol', reason: 'ticket 7', details: expect.objectContaining({ from: 'symmetric', to: 'asymmetric' }) },
    ])
    const human = await cli(['keys', 'scheme', key.apiKeyId, '--scheme', 'asymmetric', '--reason', 'again'])
    expect(human.stdout).toContain('already signed with the asymmetric scheme')
    expect(human.stdout).toContain(signingScheme.publicKeys[0].publicKey)
    expectNoPrivateKey(res.stdout, human.stdout)

    const before = await keyState(ctx, key.apiKeyId)
    for (const argv of [['--scheme', 'rsa', '--reason', 'x'], ['--scheme', 'both'], ['--scheme', 'both', '--reason', ' ']]) {
      const bad = await cli(['keys', 'scheme', key.apiKeyId, ...argv, '--json'])
      expect([bad.code, bad.json().error.code], argv.join(' ')).toEqual([1, 'VALIDATION_FAILED'])
    }
    const unknown = await cli(['keys', 'scheme', randomUUID(), '--scheme', 'both', '--reason', 'x', '--json'])
    expect([unknown.code, unknown.json().error.code]).toEqual([1, 'RESOURCE_NOT_FOUND'])
    expect(await keyState(ctx, key.apiKeyId)).toEqual(before)
  })
})
