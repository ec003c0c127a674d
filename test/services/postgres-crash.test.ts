import { randomUUID } from 'node:crypto'
import pg from 'pg'
import { describe, expect, inject, it } from 'vitest'
import { createSecretBox } from '../../src/crypto/secret-box.js'
import { issueApiKey } from '../../src/domain/api-keys.js'
import { freePort } from '../../src/embedded/free-port.js'
import { startOwnPostgres } from '../fixtures/own-postgres.js'
import { spawnRole } from '../fixtures/spawn-role.js'
import { eventually, ROTATE_PATH, TEST_ENCRYPTION_KEYS, TEST_PEPPER } from '../helper.js'
import { parseEnv } from '../../src/config/config.js'

const ROUNDS = 10
const CONCURRENT_ROTATIONS = 4

interface Answer { status: number; code: string | null }

async function setUp (database: string) {
  const postgres = await startOwnPostgres(database)
  const port = await freePort()
  const env = {
    DATABASE_URL: postgres.url,
    REDIS_URL: inject('redisUrl'),
    QUEUE_PREFIX: `{t-${randomUUID()}}`,
    PORT: String(port),
    ROTATION_COOLDOWN_SECONDS: '1',
    RECONCILE_INTERVAL_MS: '500',
    RECONCILE_AFTER_MS: '1000',
  }
  const pool = new pg.Pool({ connectionString: postgres.url })
  const secretBox = createSecretBox(parseEnv({ SECRET_ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS }).SECRET_ENCRYPTION_KEYS!)
  const keys: string[] = []
  for (let i = 0; i < CONCURRENT_ROTATIONS; i++) {
    const issued = await issueApiKey(pool, { pepper: TEST_PEPPER, secretBox }, {
      ownerId: 'crash-test', env: 'test', scopes: ['webhooks:manage'], webhookUrl: 'https://hooks.example.invalid/kash',
    }, { actorType: 'system', actor: 'test' })
    keys.push(issued.apiKey)
  }
  await pool.end()

  const base = `http://127.0.0.1:${port}`
  async function rotate (apiKey: string, waitSeconds: number): Promise<Answer> {
    const res = await fetch(`${base}${ROTATE_PATH}`, {
      method: 'POST',
      headers: { 'x-api-key': apiKey, 'idempotency-key': randomUUID(), prefer: `wait=${waitSeconds}` },
      signal: AbortSignal.timeout(45_000),
    })
    await res.arrayBuffer()
    return { status: res.status, code: res.headers.get('x-error-code') }
  }
  /** One short-lived count on the test's own connection; Postgres going away only fails this query. */
  async function count (sql: string): Promise<number> {
    const client = new pg.Client({ connectionString: postgres.url })
    client.on('error', () => {})
    await client.connect()
    try {
      return (await client.query<{ n: number }>(sql)).rows[0]!.n
    } finally {
      await client.end().catch(() => {})
    }
  }
  const apiUp = async () => {
    const res = await fetch(`${base}/v1/health`).catch(() => undefined)
    return res?.status === 200
  }
  return { postgres, env, keys, base, rotate, count, apiUp }
}

describe('Postgres stopped abruptly (pg_ctl stop -m immediate) while rotations run', () => {
  it('leaves the API and the worker running; the API answers 503 DEPENDENCY_UNAVAILABLE meanwhile and both carry on when it returns', async () => {
    const { postgres, env, keys, rotate, count, apiUp } = await setUp('crash_under_load')
    const api = spawnRole('api', env)
    const worker = spawnRole('worker', env)
    await eventually(async () => { api.assertAlive(); return apiUp() }, 60_000, 100)

    const answers: Answer[] = []
    for (let round = 0; round < ROUNDS; round++) {
      // Each round's rotations must reach Postgres: a key still in its 1 s cooldown (the last round's
      // rotations, retried by the worker after the restart, may finish just now) is refused by the
      // API's fast path, which records nothing.
      await eventually(async () => await count(
        `select count(*)::int as n from api_keys where secret_rotated_at + interval '1 second' > now()
           or exists (select 1 from webhook_secret_rotations where status in ('queued', 'processing'))`) === 0, 60_000, 100)
      const before = await count('select count(*)::int as n from webhook_secret_rotations')
      const inFlight = keys.map((key) => rotate(key, 3).then((a) => { answers.push(a); return a }))
      // Crash as soon as this round's rotations reached Postgres: clients are checked out in both processes.
      await eventually(async () => {
        return await count('select count(*)::int as n from webhook_secret_rotations') > before
      }, 30_000, 10)
      await postgres.crash()

      const during = await rotate(keys[0]!, 1)
      answers.push(during)
      expect(during).toEqual({ status: 503, code: 'DEPENDENCY_UNAVAILABLE' })
      await Promise.all(inFlight)
      api.assertAlive()
      worker.assertAlive()

      await postgres.start()
      // A rotation finishing with 200 went through the API and the worker, both on fresh connections.
      await eventually(async () => {
        api.assertAlive()
        worker.assertAlive()
        const a = await rotate(keys[round % keys.length]!, 10)
        answers.push(a)
        return a.status === 200
      }, 60_000, 200)
    }

    // Every rotation that was in flight at a crash reaches a final state: the worker retried it.
    await eventually(async () => {
      return await count("select count(*)::int as n from webhook_secret_rotations where status in ('queued', 'processing')") === 0
    }, 60_000, 250)
    api.assertAlive()
    worker.assertAlive()
    const unexpected = answers.filter((a) => !([200, 202, 429].includes(a.status) || (a.status === 503 && a.code === 'DEPENDENCY_UNAVAILABLE')))
    expect(unexpected).toEqual([])
  }, 180_000)

  it('a worker started while Postgres is down waits for it instead of exiting, then processes rotations', async () => {
    const { postgres, env, keys, rotate, apiUp } = await setUp('worker_waits')
    const api = spawnRole('api', env)
    await eventually(async () => { api.assertAlive(); return apiUp() }, 60_000, 100)
    await postgres.crash()

    const worker = spawnRole('worker', env)
    await eventually(async () => {
      worker.assertAlive()
      return worker.output.includes('waiting for Postgres')
    }, 60_000, 100)
    worker.assertAlive()

    await postgres.start()
    await eventually(async () => {
      worker.assertAlive()
      return (await rotate(keys[0]!, 10)).status === 200
    }, 60_000, 200)
    api.assertAlive()
  }, 120_000)
})
