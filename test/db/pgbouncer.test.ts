import { randomUUID } from 'node:crypto'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, inject, it, onTestFinished } from 'vitest'
import { createSecretBox } from '../../src/crypto/secret-box.js'
import { issueApiKey } from '../../src/domain/api-keys.js'
import { freePort } from '../../src/embedded/free-port.js'
import { startPgBouncer, type PgBouncer } from '../fixtures/pgbouncer.js'
import { spawnRole } from '../fixtures/spawn-role.js'
import { buildTestContext, createTestDatabase, eventually, json, ROTATE_PATH, ROTATIONS_PATH, TEST_ENCRYPTION_KEYS, TEST_PEPPER } from '../helper.js'
import { parseEnv } from '../../src/config/config.js'

// README "Behind PgBouncer": the service's timeouts come from PgBouncer's connect_query there.
const CONNECT_QUERY = 'set statement_timeout to 15000; set lock_timeout to 2000'

let bouncer: PgBouncer
beforeAll(async () => {
  // Three server connections per database: concurrent transactions share them, so a statement
  // prepared on one connection is not there on the next.
  bouncer = await startPgBouncer({ serverUrl: inject('pgUrl'), poolSize: 3, connectQuery: CONNECT_QUERY })
})
afterAll(() => bouncer?.stop())

function pooledEnv (directUrl: string) {
  return { DATABASE_URL: bouncer.pooledUrl(directUrl), DATABASE_DIRECT_URL: directUrl, DATABASE_POOLER: 'transaction' }
}

interface ClientRow { database: string; application_name: string }

describe('DATABASE_URL through PgBouncer in transaction mode', () => {
  it('the API and the worker rotate, replay, read, list and acknowledge with every query pooled, and wait on LISTEN over the direct URL', async () => {
    const databaseUrl = await createTestDatabase()
    const database = new URL(databaseUrl).pathname.slice(1)
    const env = pooledEnv(databaseUrl)
    const ctx = await buildTestContext({ databaseUrl: env.DATABASE_URL, env })
    const keys = await Promise.all(Array.from({ length: 12 }, () => ctx.createKey()))

    // Sync rotates at once: more transactions than server connections, and the worker's through the same pooler.
    const answers = await Promise.all(keys.map((k) => ctx.rotate(k.apiKey, { idempotencyKey: `pooled-${k.apiKeyId}` })))
    for (const res of answers) {
      expect(res.statusCode, res.body).toBe(200)
      expect(json(res).webhookSecret.secret).toMatch(/^whsec_/)
    }
    const [first] = keys
    const rotationId = json(answers[0]!).webhookSecret.rotationId
    const replay = await ctx.rotate(first!.apiKey, { idempotencyKey: `pooled-${first!.apiKeyId}` })
    expect(replay.statusCode).toBe(200)
    expect(replay.headers['idempotent-replayed']).toBe('true')
    expect(json(await ctx.get(first!.apiKey, `${ROTATIONS_PATH}/${rotationId}`)).rotation.status).toBe('succeeded')
    expect(json(await ctx.get(first!.apiKey, ROTATIONS_PATH)).data).toHaveLength(1)
    expect((await ctx.post(first!.apiKey, `${ROTATIONS_PATH}/${rotationId}/acknowledge`)).statusCode).toBe(200)
    expect(ctx.logs.join('')).not.toMatch(/prepared statement|unsupported startup parameter/)

    // The pools are PgBouncer's clients; the LISTEN connection is not (it would hear nothing there).
    const clients = (await bouncer.admin<ClientRow>('SHOW CLIENTS')).filter((c) => c.database === database)
    expect(clients.length).toBeGreaterThan(0)
    expect(clients.map((c) => c.application_name)).not.toContain('rotation-notifications')
    const { rows: listening } = await ctx.pool.query(
      'select count(*)::int as n from pg_stat_activity where datname = $1 and application_name = \'rotation-notifications\' and query = \'listen rotation_finished\'', [database])
    expect(listening[0].n).toBe(1)
    // And the pooled connections carry the timeouts PgBouncer's connect_query set.
    const { rows: [timeouts] } = await ctx.pool.query('select current_setting(\'lock_timeout\') as lock, current_setting(\'statement_timeout\') as statement')
    expect(timeouts).toEqual({ lock: '2s', statement: '15s' })
  })

  it('npm run start:api and start:worker migrate an empty database over the direct URL and serve a rotation through the pooler', async () => {
    const name = `pgb_${randomUUID().slice(0, 8)}`
    const admin = new pg.Client({ connectionString: inject('pgUrl') })
    await admin.connect()
    await admin.query(`create database ${name}`)
    await admin.end()
    const directUrl = new URL(`/${name}`, inject('pgUrl')).toString()
    const port = await freePort()
    const env = { ...pooledEnv(directUrl), REDIS_URL: inject('redisUrl'), QUEUE_PREFIX: `{pgb-${randomUUID()}}`, PORT: String(port) }
    const api = spawnRole('api', env)
    await eventually(async () => { api.assertAlive(); return api.output.includes('"msg":"started"') }, 60_000, 100)
    const worker = spawnRole('worker', env)
    await eventually(async () => { worker.assertAlive(); return worker.output.includes('"msg":"started"') }, 60_000, 100)

    const pool = new pg.Pool({ connectionString: directUrl, max: 2 })
    onTestFinished(() => pool.end())
    const config = parseEnv({ SECRET_ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS })
    const key = await issueApiKey(pool, { pepper: TEST_PEPPER, secretBox: createSecretBox(config.SECRET_ENCRYPTION_KEYS!) },
      { ownerId: 'pgbouncer', env: 'test', scopes: ['webhooks:manage'], webhookUrl: 'https://hooks.example.com/kash' }, { actorType: 'system', actor: 'test' })

    const res = await fetch(`http://127.0.0.1:${port}${ROTATE_PATH}`, { method: 'POST', headers: { 'x-api-key': key.apiKey, 'idempotency-key': 'through-pgbouncer' } })
    const body = await res.json() as { webhookSecret: { secret: string } }
    expect(res.status, JSON.stringify(body)).toBe(200)
    expect(body.webhookSecret.secret).toMatch(/^whsec_/)
    for (const role of [api, worker]) {
      expect(role.output).toMatch(/"role":"(api|worker)"/)
      expect(role.output).not.toMatch(/have no statement or lock timeout|prepared statement|unsupported startup parameter/)
    }
  })
})
