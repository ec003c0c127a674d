import { randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { hashToken, OPERATOR_TOKEN_PATTERN } from '../../src/crypto/tokens.js'
import { buildTestContext, createTestDatabase, json, type TestContext } from '../helper.js'
import { runAdminCli } from '../fixtures/run-admin.js'

let databaseUrl: string
beforeAll(async () => { databaseUrl = await createTestDatabase() })

const uniqueName = (base: string) => `${base}-${randomUUID().slice(0, 8)}`

const admin = (ctx: TestContext, argv: string[]) => runAdminCli({ pool: ctx.pool, config: ctx.config, queues: ctx.queues }, argv)

function adminGetKey (ctx: TestContext, token: string, keyId: string) {
  return ctx.app.inject({ method: 'GET', url: `/v1/admin/api-keys/${keyId}`, headers: { authorization: `Bearer ${token}` } })
}

async function auditFor (ctx: TestContext, where: string, params: unknown[]) {
  const { rows } = await ctx.pool.query(
    `select actor_type, actor, action, reason, rotation_id, details, details::text as details_text from audit_events where ${where} order by id`, params)
  return rows
}

describe('operators issue', () => {
  it('prints exactly name and token once, stores only the peppered hash, and audits the issue', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const name = uniqueName('alice')
    const res = await admin(ctx, ['operators', 'issue', name, '--json'])
    expect(res.code, res.stderr).toBe(0)
    const out = res.json()
    expect(Object.keys(out).sort()).toEqual(['name', 'token'])
    expect(out.name).toBe(name)
    expect(out.token).toMatch(OPERATOR_TOKEN_PATTERN)

    const { rows } = await ctx.pool.query('select token_prefix, token_hash, revoked_at, row_to_json(t)::text as text from operator_tokens t where name = $1', [name])
    expect(rows).toHaveLength(1)
    expect(rows[0].token_hash).toEqual(hashToken(ctx.config.API_KEY_PEPPER, out.token))
    expect(rows[0].token_prefix).toBe(out.token.slice(0, 12))
    expect(rows[0].revoked_at).toBeNull()
    expect(rows[0].text).not.toContain(out.token)

    const audit = await auditFor(ctx, 'action like \'operator_token.%\' and details->>\'name\' = $1', [name])
    expect(audit).toHaveLength(1)
    expect(audit[0]).toMatchObject({ actor_type: 'operator', action: 'operator_token.issued', details: { name } })
    expect(audit[0].actor).toMatch(/^admin-cli(:|$)/)
    expect(audit[0].details_text).not.toContain(out.token)

    // The token opens the operator routes.
    const key = await ctx.createKey()
    expect((await adminGetKey(ctx, out.token, key.apiKeyId)).statusCode).toBe(200)

    const human = await admin(ctx, ['operators', 'issue', uniqueName('bob')])
    expect(human.code).toBe(0)
    expect(human.stdout).toMatch(/shown once/)
    expect(human.stdout).toMatch(/Token:\s+kash_op_[0-9A-Za-z]{40}\n/)
  })

  it('refuses a second live token for a name, and names that are not names, writing nothing', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const name = uniqueName('carol')
    expect((await admin(ctx, ['operators', 'issue', name])).code).toBe(0)
    const again = await admin(ctx, ['operators', 'issue', name])
    expect(again).toMatchObject({ code: 1, stdout: '' })
    expect(again.stderr).toMatch(/^error: VALIDATION_FAILED: .*revoke it first/)
    const againJson = await admin(ctx, ['operators', 'issue', name, '--json'])
    expect(againJson.json()).toEqual({ error: { code: 'VALIDATION_FAILED', message: expect.stringMatching(/revoke it first/) } })
    expect((await ctx.pool.query('select count(*)::int as n from operator_tokens where name = $1', [name])).rows[0].n).toBe(1)
    expect(await auditFor(ctx, 'action = \'operator_token.issued\' and details->>\'name\' = $1', [name])).toHaveLength(1)

    const token = `kash_op_${'A'.repeat(40)}`
    for (const bad of ['has space', 'x'.repeat(65), 'semi;colon', 'ünï', token]) {
      const res = await admin(ctx, ['operators', 'issue', bad])
      expect(res.code, bad).toBe(1)
      expect(res.stderr).toMatch(/^error: VALIDATION_FAILED: /)
      expect(res.stderr).not.toContain(token)
    }
    expect((await ctx.pool.query('select count(*)::int as n from operator_tokens where name = any($1)', [['has space', token]])).rows[0].n).toBe(0)
    expect((await admin(ctx, ['operators', 'issue'])).code).toBe(2)
    expect((await admin(ctx, ['operators', 'issue', 'a', 'b'])).code).toBe(2)
  })
})

describe('operators revoke', () => {
  it('revokes the live token (the routes then answer 401 OPERATOR_TOKEN_REVOKED), audits it, and allows a new token', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const key = await ctx.createKey()
    const name = uniqueName('dave')
    const { token } = (await admin(ctx, ['operators', 'issue', name, '--json'])).json()
    expect((await adminGetKey(ctx, token, key.apiKeyId)).statusCode).toBe(200)

    const res = await admin(ctx, ['operators', 'revoke', name, '--json'])
    expect(res.code, res.stderr).toBe(0)
    expect(res.json()).toEqual({ name, revokedAt: expect.any(String) })
    const refused = await adminGetKey(ctx, token, key.apiKeyId)
    expect(refused.statusCode).toBe(401)
    expect(json(refused).code).toBe('OPERATOR_TOKEN_REVOKED')
    const audit = await auditFor(ctx, 'action = \'operator_token.revoked\' and details->>\'name\' = $1', [name])
    expect(audit).toHaveLength(1)
    expect(audit[0]).toMatchObject({ actor_type: 'operator', details: { name } })

    const again = await admin(ctx, ['operators', 'revoke', name])
    expect(again).toMatchObject({ code: 1, stdout: '' })
    expect(again.stderr).toMatch(/^error: RESOURCE_NOT_FOUND: /)
    expect((await admin(ctx, ['operators', 'revoke', uniqueName('nobody'), '--json'])).json().error.code).toBe('RESOURCE_NOT_FOUND')
    expect(await auditFor(ctx, 'action = \'operator_token.revoked\' and details->>\'name\' = $1', [name])).toHaveLength(1)

    const reissued = await admin(ctx, ['operators', 'issue', name, '--json'])
    expect(reissued.code).toBe(0)
    expect((await adminGetKey(ctx, reissued.json().token, key.apiKeyId)).statusCode).toBe(200)
    expect((await adminGetKey(ctx, token, key.apiKeyId)).statusCode).toBe(401)
  })
})

describe('operators list', () => {
  it('lists name, prefix, created and revoked, never a token or its hash', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const live = uniqueName('erin')
    const gone = uniqueName('frank')
    const liveToken = (await admin(ctx, ['operators', 'issue', live, '--json'])).json().token as string
    const goneToken = (await admin(ctx, ['operators', 'issue', gone, '--json'])).json().token as string
    expect((await admin(ctx, ['operators', 'revoke', gone])).code).toBe(0)

    const res = await admin(ctx, ['operators', 'list', '--json'])
    expect(res.code).toBe(0)
    const { data } = res.json()
    for (const o of data) expect(Object.keys(o).sort()).toEqual(['createdAt', 'name', 'revokedAt', 'tokenPrefix'])
    expect(data.find((o: { name: string }) => o.name === live)).toEqual({ name: live, tokenPrefix: liveToken.slice(0, 12), createdAt: expect.any(String), revokedAt: null })
    expect(data.find((o: { name: string }) => o.name === gone)).toMatchObject({ tokenPrefix: goneToken.slice(0, 12), revokedAt: expect.any(String) })

    const human = await admin(ctx, ['operators', 'list'])
    expect(human.code).toBe(0)
    expect(human.stdout.split('\n')[0]).toMatch(/^NAME\s+PREFIX\s+CREATED\s+REVOKED$/)
    expect(human.stdout).toContain(live)
    for (const text of [res.stdout, human.stdout]) {
      for (const token of [liveToken, goneToken]) {
        expect(text).not.toContain(token)
        expect(text).not.toContain(hashToken(ctx.config.API_KEY_PEPPER, token).toString('hex'))
        expect(text).not.toContain(hashToken(ctx.config.API_KEY_PEPPER, token).toString('base64'))
      }
    }
  })
})
