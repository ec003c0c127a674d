import { randomBytes, randomUUID } from 'node:crypto'
import { Writable } from 'node:stream'
import type { LightMyRequestResponse } from 'fastify'
import { Cluster } from 'ioredis'
import pg from 'pg'
import { expect, inject, onTestFinished } from 'vitest'
import { buildApp, type App } from '../src/app.js'
import { finalizeConfig, parseEnv, type Config } from '../src/config/config.js'
import { aad, createSecretBox } from '../src/crypto/secret-box.js'
import { createPool, databasePoolOptions } from '../src/db/pool.js'
import { issueApiKey, type IssueApiKeyInput } from '../src/domain/api-keys.js'
import type { RotationOutcome } from '../src/domain/rotation-rule.js'
import { createLogger } from '../src/logging/logger.js'
import { createRedis } from '../src/queue/redis.js'
import { closeQueues, createQueues, type Queues } from '../src/queue/queues.js'
import { withTimeout } from '../src/util/with-timeout.js'
import { createMetrics } from '../src/metrics/metrics.js'
import { registerScrapeGauges } from '../src/metrics/scrape-gauges.js'
import { startWorkers, type Workers } from '../workers/index.js'

export const ROTATE_PATH = '/v1/auth/api-keys/me/webhook-secret/rotate'
export const ROTATIONS_PATH = '/v1/auth/api-keys/me/webhook-secret/rotations'
export const TEST_PEPPER = 'test-pepper-0123456789abcdef0123456789abcdef'
export const TEST_ENCRYPTION_KEYS = `t1:${Buffer.alloc(32, 7).toString('base64')}`

/** Any credential or secret in plaintext: what must never reach logs or Redis. */
export const LEAK_PATTERN = /whsec_|whsk_|kash_(live|test)_[0-9A-Za-z]{32}/

/** A database of this test file's own, cloned from the migrated template. */
export async function createTestDatabase (): Promise<string> {
  const name = `t_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: inject('pgUrl') })
  await admin.connect()
  try {
    // Two files cloning the template at the same instant can collide; the retry settles it.
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`create database ${name} template ${inject('templateDatabase')}`)
        break
      } catch (err) {
        if (attempt >= 20 || !/being accessed by other users/.test(String(err))) throw err
        await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200))
      }
    }
  } finally {
    await admin.end()
  }
  const url = new URL(inject('pgUrl'))
  url.pathname = `/${name}`
  return url.toString()
}

export function testConfig (databaseUrl: string, redisUrl: string, env: Record<string, string> = {}): Config {
  // Event-loop shedding off unless a test asks for it: on a shared CI machine a starved test process
  // is not an overloaded service, and a stray 503 would make unrelated tests flaky. The rotation
  // job scheduler's jobs only in tests that ask for them (SCHEDULE_TEST_ENV): elsewhere they would
  // add to the queue's job counts of a slow test.
  const defaults = { LOG_LEVEL: 'debug', RECONCILE_INTERVAL_MS: '200', RECONCILE_AFTER_MS: '500', SWEEP_INTERVAL_MS: '200', OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: '0', SCHEDULED_ROTATIONS_INTERVAL_MS: '3600000' }
  const parsed = parseEnv({ ...defaults, ...env })
  return finalizeConfig({ ...parsed, QUEUE_PREFIX: `{t-${randomUUID()}}` }, {
    DATABASE_URL: databaseUrl,
    // A test on a Cluster or Sentinels names them in env; REDIS_URL would then be a second choice.
    REDIS_URL: parsed.REDIS_CLUSTER_NODES || parsed.REDIS_SENTINELS ? undefined : redisUrl,
    API_KEY_PEPPER: TEST_PEPPER,
    SECRET_ENCRYPTION_KEYS: parseEnv({ SECRET_ENCRYPTION_KEYS: env.SECRET_ENCRYPTION_KEYS ?? TEST_ENCRYPTION_KEYS }).SECRET_ENCRYPTION_KEYS!,
  })
}

export interface ContextOptions {
  databaseUrl: string
  redisUrl?: string
  env?: Record<string, string>
  /** Start an in-process worker (default true). */
  worker?: boolean
  afterCommit?: (outcome: RotationOutcome) => Promise<void>
}

export type TestContext = Awaited<ReturnType<typeof buildTestContext>>

/**
 * The API (and by default a worker) on real Postgres and Redis, with a queue prefix of its own
 * and every log line captured. Closes itself when the test finishes, and then checks that no
 * log line and no Redis key or value of its queue holds a secret or an API key.
 */
export async function buildTestContext (opts: ContextOptions) {
  const config = testConfig(opts.databaseUrl, opts.redisUrl ?? inject('redisUrl'), opts.env)
  const logs: string[] = []
  const log = createLogger(config.LOG_LEVEL, new Writable({
    write (chunk: Buffer, _enc, done) { logs.push(chunk.toString()); done() },
  }))
  const pool = createPool(config.DATABASE_URL, log, databasePoolOptions(config))
  const apiRedis = createRedis(config, 'api', log)
  const queueRedis = createRedis(config, 'api', log)
  const inspector = createRedis(config, 'worker', log)
  const queues = createQueues(queueRedis, config, log)
  const queue = queues.rotations
  const metrics = createMetrics()
  registerScrapeGauges(metrics, { pool, queues, log })
  const app = await buildApp({ config, pool, redis: apiRedis, queues, log, metrics })

  const workers: Workers[] = []
  const extraRedis: ReturnType<typeof createRedis>[] = []
  const workerQueues: Queues[] = []
  // As `npm start` does (src/services.ts): the workers' own pool, so their jobs never count as
  // requests waiting for the API's connections (load shedding).
  let workerPool: ReturnType<typeof createPool> | undefined
  function startWorker (afterCommit = opts.afterCommit) {
    workerPool ??= createPool(config.DATABASE_URL, log, databasePoolOptions(config))
    const connection = createRedis(config, 'worker', log)
    const reconcilerRedis = createRedis(config, 'api', log)
    extraRedis.push(connection, reconcilerRedis)
    const set = createQueues(reconcilerRedis, config, log)
    workerQueues.push(set)
    const w = startWorkers({ config, pool: workerPool, connection, queues: set, log, afterCommit, metrics })
    workers.push(w)
    return w
  }
  if (opts.worker !== false) startWorker()

  const ctx = {
    app,
    config,
    pool,
    queue,
    queues,
    logs,
    metrics,
    startWorker,
    async createKey (input: Partial<IssueApiKeyInput> = {}) {
      return issueApiKey(pool, { pepper: config.API_KEY_PEPPER, secretBox: createSecretBox(config.SECRET_ENCRYPTION_KEYS) }, {
        ownerId: 'owner-test', env: 'test', scopes: ['webhooks:manage'], webhookUrl: 'https://hooks.example.com/kash', ...input,
      }, { actorType: 'system', actor: 'test' })
    },
    rotate (apiKey: string, o: { idempotencyKey?: string; body?: unknown; prefer?: string; headers?: Record<string, string> } = {}) {
      return app.inject({
        method: 'POST',
        url: ROTATE_PATH,
        headers: {
          'x-api-key': apiKey,
          ...(o.idempotencyKey !== undefined ? { 'idempotency-key': o.idempotencyKey } : {}),
          ...(o.prefer !== undefined ? { prefer: o.prefer } : {}),
          ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...o.headers,
        },
        ...(o.body !== undefined ? { payload: JSON.stringify(o.body) } : {}),
      })
    },
    get (apiKey: string, url: string) {
      return app.inject({ method: 'GET', url, headers: { 'x-api-key': apiKey } })
    },
    post (apiKey: string, url: string) {
      return app.inject({ method: 'POST', url, headers: { 'x-api-key': apiKey } })
    },
    /**
     * A key's secrets, decrypted: the current one, the retained ones in force (newest first; the
     * newest is the upstream API's "previous"), with the raw rows for before/after comparisons.
     */
    async secretSlots (apiKeyId: string) {
      const { rows: [row] } = await pool.query(
        `select k.webhook_secret, k.secret_version, s.secret as webhook_secret_previous, s.retained_until as previous_retained_until,
                s.retained_until::text as previous_until_exact,
                extract(epoch from s.retained_until - s.retained_since)::int as window_seconds
         from api_keys k
         left join lateral (select * from retained_webhook_secrets r
                            where r.api_key_id = k.id and r.secret is not null and r.retained_until > now()
                            order by r.secret_version desc limit 1) s on true
         where k.id = $1`, [apiKeyId])
      const { rows: retainedRows } = await pool.query<{ secret: string; secret_version: number; retained_until: Date }>(
        `select secret, secret_version, retained_until from retained_webhook_secrets
         where api_key_id = $1 and secret is not null and retained_until > now() order by secret_version desc`, [apiKeyId])
      const box = createSecretBox(config.SECRET_ENCRYPTION_KEYS)
      const retained = retainedRows.map((r) => ({ version: r.secret_version, secret: box.decrypt(r.secret, aad.previous(apiKeyId)), retainedUntil: r.retained_until }))
      return {
        raw: row as { webhook_secret: string; webhook_secret_previous: string | null; previous_retained_until: Date | null; previous_until_exact: string | null; secret_version: number; window_seconds: number | null },
        current: box.decrypt(row.webhook_secret, aad.current(apiKeyId)),
        previous: retained[0]?.secret ?? null,
        /** Every retained secret in force, newest first. */
        retained,
        /** Every secret a delivery is signed with now: current first. */
        signing: [box.decrypt(row.webhook_secret, aad.current(apiKeyId)), ...retained.map((r) => r.secret)],
        version: row.secret_version as number,
        windowSeconds: row.window_seconds as number | null,
      }
    },
    /** Every key and value this context's queue left in Redis, as text. */
    async redisDump () {
      // KEYS answers for one server: on a Cluster, ask every master.
      const servers = inspector instanceof Cluster ? inspector.nodes('master') : [inspector]
      const keys = (await Promise.all(servers.map((s) => s.keys(`${config.QUEUE_PREFIX}*`)))).flat()
      const parts: string[] = [...keys]
      for (const key of keys) {
        const type = await inspector.type(key)
        if (type === 'string') parts.push(String(await inspector.get(key)))
        else if (type === 'hash') parts.push(JSON.stringify(await inspector.hgetall(key)))
        else if (type === 'list') parts.push(JSON.stringify(await inspector.lrange(key, 0, -1)))
        else if (type === 'set') parts.push(JSON.stringify(await inspector.smembers(key)))
        else if (type === 'zset') parts.push(JSON.stringify(await inspector.zrange(key, '0', '-1')))
        else if (type === 'stream') parts.push(JSON.stringify(await inspector.xrange(key, '-', '+')))
      }
      return parts.join('\n')
    },
    /** Idempotent: a test may close early (before stopping a server of its own); teardown closes anyway. */
    close () {
      closing ??= closeOnce()
      return closing
    },
  }
  let closing: Promise<void> | undefined
  async function closeOnce () {
    await app.close()
    await Promise.all(workers.map((w) => w.close()))
    // A test may leave its own Redis stopped: then there is nothing in it to check or clean.
    const dump = await withTimeout(ctx.redisDump(), 5000).catch(() => '')
    for (const q of [queues.rotations, queues.deliveries]) await withTimeout(q.obliterate({ force: true }), 5000).catch(() => {})
    await withTimeout(Promise.all([queues, ...workerQueues].map(closeQueues)), 2000).catch(() => {})
    for (const r of [apiRedis, queueRedis, inspector, ...extraRedis]) r.disconnect()
    await pool.end()
    await workerPool?.end()
    expect(logs.filter((l) => LEAK_PATTERN.test(l)), 'log lines holding a secret or API key').toEqual([])
    expect(LEAK_PATTERN.test(dump), 'Redis holds a secret or API key').toBe(false)
  }
  onTestFinished(() => ctx.close())
  return ctx
}

export function json<T = any> (res: LightMyRequestResponse): T {
  return res.json() as T
}

/** Polls `fn` until it returns a truthy value (events first; this is for state only Postgres shows). */
export async function eventually<T> (fn: () => Promise<T | undefined | null | false>, timeoutMs = 20_000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await fn()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
}

export type { App }
