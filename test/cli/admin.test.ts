import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { randomBytes, randomUUID } from 'node:crypto'
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runAdmin } from '../../src/cli/admin.js'
import type { Config } from '../../src/config/config.js'
import { API_KEY_PATTERN, hashToken } from '../../src/crypto/tokens.js'
import { findApiKeyByHash } from '../../src/db/api-keys-repository.js'
import { createPool } from '../../src/db/pool.js'
import { createLogger } from '../../src/logging/logger.js'
import { createTestDatabase, testConfig } from '../helper.js'
import { runAdminCli } from '../fixtures/run-admin.js'

const ROOT = path.resolve(import.meta.dirname, '../..')
const URL_ = 'https://hooks.example.com/admin-cli'

let databaseUrl: string
let config: Config
let pool: pg.Pool

beforeAll(async () => {
  databaseUrl = await createTestDatabase()
  config = testConfig(databaseUrl, 'redis://127.0.0.1:1')
  pool = createPool(config.DATABASE_URL, createLogger('silent'))
})
afterAll(async () => { await pool?.end() })

const admin = (...argv: string[]) => runAdminCli({ pool, config }, argv)

async function issue (...extra: string[]) {
  const res = await admin('keys', 'issue', '--webhook-url', URL_, '--json', ...extra)
  expect(res.code, res.stderr + res.stdout).toBe(0)
  return res.json() as { apiKey: string; apiKeyId: string; webhookSecret: string | null }
}

async function row (id: string) {
  const { rows } = await pool.query<{ j: Record<string, unknown>; text: string }>(
    'select row_to_json(k) as j, row_to_json(k)::text as text from api_keys k where id = $1', [id])
  return rows[0]!
}

describe('keys issue', () => {
  it('prints exactly apiKey, apiKeyId and webhookSecret; the key authenticates and nothing plaintext is stored', async () => {
    const out = await issue()
    expect(Object.keys(out).sort()).toEqual(['apiKey', 'apiKeyId', 'webhookSecret'])
    expect(out.apiKey).toMatch(API_KEY_PATTERN)
    expect(out.apiKey.startsWith('kash_test_')).toBe(true)
    expect(out.webhookSecret).toMatch(/^whsec_/)

    const auth = await findApiKeyByHash(pool, hashToken(config.API_KEY_PEPPER, out.apiKey))
    expect(auth).toMatchObject({ id: out.apiKeyId, ownerId: 'cli', env: 'test', scopes: ['webhooks:manage'], ipAllowlist: [], revoked: false, expired: false })

    const stored = await row(out.apiKeyId)
    expect(stored.text).not.toContain(out.apiKey)
    expect(stored.text).not.toContain(out.webhookSecret!)
    expect(stored.text).not.toContain(out.webhookSecret!.slice('whsec_'.length))
    expect(stored.j).toMatchObject({ webhook_url: URL_, secret_version: 1 })
    expect(String(stored.j.webhook_secret)).toMatch(/^v1\./)

    const { rows: audit } = await pool.query('select actor_type, actor, action, details::text as details from audit_events where api_key_id = $1', [out.apiKeyId])
    expect(audit).toHaveLength(1)
    expect(audit[0]).toMatchObject({ actor_type: 'operator', action: 'api_key.issued' })
    expect(audit[0].actor).toMatch(/^admin-cli(:|$)/)
    expect(audit[0].details).not.toContain(out.apiKey)
    expect(audit[0].details).not.toContain(out.webhookSecret!)
  })

  it('takes scopes, env live, an IP allowlist, an expiry and an owner', async () => {
    const expires = '2099-01-02T03:04:05Z'
    const out = await issue('--scopes', 'webhooks:manage,auth:manage', '--env', 'live', '--ip-allowlist', '10.1.2.3,192.168.0.0/16',
      '--ip-allowlist', '2001:db8::/32', '--expires-at', expires, '--owner', 'acme')
    expect(out.apiKey.startsWith('kash_live_')).toBe(true)
    const auth = await findApiKeyByHash(pool, hashToken(config.API_KEY_PEPPER, out.apiKey))
    expect(auth).toMatchObject({ ownerId: 'acme', env: 'live', scopes: ['webhooks:manage', 'auth:manage'], ipAllowlist: ['10.1.2.3/32', '192.168.0.0/16', '2001:db8::/32'] })
    expect(new Date(String((await row(out.apiKeyId)).j.expires_at)).toISOString()).toBe('2099-01-02T03:04:05.000Z')
  })

  it('--no-webhook issues a key without a secret', async () => {
    const res = await admin('keys', 'issue', '--no-webhook', '--json')
    expect(res.code).toBe(0)
    const out = res.json()
    expect(out.webhookSecret).toBeNull()
    expect((await row(out.apiKeyId)).j).toMatchObject({ webhook_url: null, webhook_secret: null, secret_version: 0 })
  })

  it('prints a human block saying the values are shown once', async () => {
    const res = await admin('keys', 'issue', '--webhook-url', URL_)
    expect(res.code).toBe(0)
    expect(res.stdout).toMatch(/shown once/)
    expect(res.stdout).toMatch(/API key:\s+kash_test_[0-9A-Za-z]{32}\n/)
    expect(res.stdout).toMatch(/Webhook secret:\s+whsec_\S+\n/)
    expect(res.stdout).toMatch(/API key id:\s+[0-9a-f-]{36}\n/)
  })

  it.each([
    [['--webhook-url', 'not a url'], /not a URL/],
    [['--webhook-url', 'ftp://example.com/x'], /http or https/],
    [['--webhook-url', 'https://user:pw@example.com/x'], /credentials/],
    [[], /--webhook-url is required/],
    [['--no-webhook', '--webhook-url', URL_], /either/],
    [['--webhook-url', URL_, '--env', 'prod'], /--env/],
    [['--webhook-url', URL_, '--ip-allowlist', '10.0.0.0/33'], /--ip-allowlist/],
    [['--webhook-url', URL_, '--ip-allowlist', '010.1.1.1'], /--ip-allowlist/],
    [['--webhook-url', URL_, '--ip-allowlist', 'nope'], /--ip-allowlist/],
    [['--webhook-url', URL_, '--expires-at', 'tomorrow'], /--expires-at/],
    [['--webhook-url', URL_, '--expires-at', '2099-02-31'], /--expires-at/],
    [['--webhook-url', URL_, '--expires-at', '2001-01-01T00:00:00Z'], /future/],
    [['--webhook-url', URL_, '--scopes', ' , '], /--scopes/],
    [['--webhook-url', URL_, '--scopes', 'Bad Scope'], /--scopes/],
  ])('refuses %j with VALIDATION_FAILED and writes nothing', async (args, message) => {
    const before = (await pool.query('select count(*)::int as n from api_keys')).rows[0].n
    const res = await admin('keys', 'issue', ...args)
    expect(res.code).toBe(1)
    expect(res.stdout).toBe('')
    expect(res.stderr).toMatch(/^error: VALIDATION_FAILED: /)
    expect(res.stderr).toMatch(message)
    const json = await admin('keys', 'issue', ...args, '--json')
    expect(json.code).toBe(1)
    expect(json.json()).toEqual({ error: { code: 'VALIDATION_FAILED', message: expect.stringMatching(message) } })
    expect((await pool.query('select count(*)::int as n from api_keys')).rows[0].n).toBe(before)
  })
})

describe('keys list', () => {
  it('lists keys as JSON and as a table, never with a secret or a key hash', async () => {
    const out = await issue()
    const json = await admin('keys', 'list', '--json')
    expect(json.code).toBe(0)
    const { data } = json.json()
    const mine = data.find((k: { id: string }) => k.id === out.apiKeyId)
    expect(mine).toMatchObject({ id: out.apiKeyId, env: 'test', scopes: ['webhooks:manage'], webhookUrl: URL_, secretVersion: 1, revokedAt: null, expiresAt: null })
    expect(out.apiKey.startsWith(mine.keyPrefix)).toBe(true)
    for (const k of data) expect(Object.keys(k)).not.toEqual(expect.arrayContaining(['keyHash']))
    const hash = hashToken(config.API_KEY_PEPPER, out.apiKey)

    const human = await admin('keys', 'list')
    expect(human.code).toBe(0)
    expect(human.stdout.split('\n')[0]).toMatch(/^ID\s+PREFIX\s+ENV\s+SCOPES\s+WEBHOOK URL\s+VERSION\s+CREATED\s+EXPIRES\s+REVOKED$/)
    expect(human.stdout).toContain(out.apiKeyId)
    for (const text of [json.stdout, human.stdout]) {
      expect(text).not.toContain(out.apiKey)
      expect(text).not.toContain(out.webhookSecret!)
      expect(text).not.toMatch(/whsec_|v1\.t1\./)
      expect(text).not.toContain(hash.toString('hex'))
      expect(text).not.toContain(hash.toString('base64'))
    }
  })
})

describe('keys revoke', () => {
  it('revokes, says so on a second revoke, and refuses unknown or malformed ids', async () => {
    const out = await issue()
    const first = await admin('keys', 'revoke', out.apiKeyId, '--json')
    expect(first.code).toBe(0)
    expect(first.json()).toMatchObject({ id: out.apiKeyId, alreadyRevoked: false })
    expect((await row(out.apiKeyId)).j.revoked_at).not.toBeNull()
    expect(await findApiKeyByHash(pool, hashToken(config.API_KEY_PEPPER, out.apiKey))).toMatchObject({ revoked: true })

    const second = await admin('keys', 'revoke', out.apiKeyId)
    expect(second.code).toBe(0)
    expect(second.stdout).toMatch(/already revoked/)
    expect((await admin('keys', 'revoke', out.apiKeyId, '--json')).json()).toMatchObject({ alreadyRevoked: true, revokedAt: first.json().revokedAt })
    const { rows } = await pool.query('select count(*)::int as n from audit_events where api_key_id = $1 and action = \'api_key.revoked\'', [out.apiKeyId])
    expect(rows[0].n).toBe(1)

    const unknown = await admin('keys', 'revoke', randomUUID())
    expect(unknown).toMatchObject({ code: 1, stdout: '' })
    expect(unknown.stderr).toMatch(/^error: RESOURCE_NOT_FOUND: /)
    const malformed = await admin('keys', 'revoke', out.apiKey, '--json')
    expect(malformed.code).toBe(1)
    expect(malformed.json().error.code).toBe('RESOURCE_NOT_FOUND')
    expect(malformed.stdout).not.toContain(out.apiKey) // a pasted key is not echoed
  })
})

describe('usage', () => {
  it('--help exits 0; no args, unknown commands and unknown flags exit 2', async () => {
    expect(await admin('--help')).toMatchObject({ code: 0, stdout: expect.stringContaining('keys issue') })
    expect((await admin()).code).toBe(2)
    expect((await admin('frob')).code).toBe(2)
    const unknown = await admin('keys', 'frob')
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toMatch(/unknown command/)
    expect((await admin('keys', 'list', '--bogus')).code).toBe(2)
    expect((await admin('keys', 'revoke')).code).toBe(2)
  })

  it('reports DEPENDENCY_UNAVAILABLE when Postgres cannot be reached', async () => {
    const dead = createPool('postgres://nobody:x@127.0.0.1:1/none', createLogger('silent'))
    try {
      let stderr = ''
      const code = await runAdmin(['keys', 'list'], { pool: dead, config, stdout: () => {}, stderr: (s) => { stderr += s } })
      expect(code).toBe(1)
      expect(stderr).toMatch(/^error: DEPENDENCY_UNAVAILABLE: /)
    } finally {
      await dead.end()
    }
  })
})

function runEntry (args: string[], env: Record<string, string>) {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !['DATABASE_URL', 'REDIS_URL', 'API_KEY_PEPPER', 'SECRET_ENCRYPTION_KEYS', 'DATA_DIR'].includes(k)))
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile('npx', ['tsx', 'src/cli/admin.ts', ...args], { cwd: ROOT, env: { ...base, ...env }, timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr })
    })
  })
}

describe('entry point', () => {
  it('runs as a process with config from the environment', async () => {
    const out = await issue()
    const res = await runEntry(['keys', 'list', '--json'], {
      DATABASE_URL: databaseUrl,
      API_KEY_PEPPER: 'entry-point-pepper-0123456789abcdef',
      SECRET_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    })
    expect(res.code, res.stderr).toBe(0)
    expect(JSON.parse(res.stdout).data.map((k: { id: string }) => k.id)).toContain(out.apiKeyId)
  })

  it('prints a config error and exits 1 when no database is configured', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'admin-cli-'))
    try {
      const res = await runEntry(['keys', 'list'], { DATA_DIR: dir })
      expect(res.code).toBe(1)
      expect(res.stderr).toMatch(/DATABASE_URL is not set/)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
