// Measures rotation latency and throughput on real servers (embedded Postgres, private redis-server),
// API and worker in this process. Numbers, not assertions: `npm run bench [-- --keys 200 --concurrency 20]`.
import { randomUUID } from 'node:crypto'
import { chmod, mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { buildApp } from '../src/app.js'
import { finalizeConfig, parseEnv } from '../src/config/config.js'
import { createSecretBox } from '../src/crypto/secret-box.js'
import { migrate } from '../src/db/migrate.js'
import { createPool } from '../src/db/pool.js'
import { issueApiKey } from '../src/domain/api-keys.js'
import { startEmbeddedPostgres } from '../src/embedded/postgres.js'
import { startRedisServer } from '../src/embedded/redis-server.js'
import { createLogger } from '../src/logging/logger.js'
import { createRedis } from '../src/queue/redis.js'
import { createQueues } from '../src/queue/queues.js'
import { startWorkers } from '../workers/index.js'

const { values } = parseArgs({ options: { keys: { type: 'string', default: '200' }, concurrency: { type: 'string', default: '20' } } })
const KEYS = Number(values.keys)
const CONCURRENCY = Number(values.concurrency)

const dir = await mkdtemp(path.join(os.tmpdir(), 'rotation-bench-'))
await chmod(dir, 0o755)
const postgres = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), password: 'bench' })
const redis = await startRedisServer()
await migrate(postgres.url())
const parsed = parseEnv({ LOG_LEVEL: 'silent' })
const config = finalizeConfig(parsed, {
  DATABASE_URL: postgres.url(),
  REDIS_URL: redis.url,
  API_KEY_PEPPER: 'bench-pepper-0123456789abcdef0123456789',
  SECRET_ENCRYPTION_KEYS: parseEnv({ SECRET_ENCRYPTION_KEYS: `b1:${Buffer.alloc(32, 1).toString('base64')}` }).SECRET_ENCRYPTION_KEYS!,
})
const log = createLogger('silent')
const pool = createPool(config.DATABASE_URL, log, { max: 20 })
const app = await buildApp({ config, pool, redis: createRedis(config, 'api', log), queues: createQueues(createRedis(config, 'api', log), config, log), log })
const workers = startWorkers({ config, pool, connection: createRedis(config, 'worker', log), queues: createQueues(createRedis(config, 'api', log), config, log), log })

const secretBox = createSecretBox(config.SECRET_ENCRYPTION_KEYS)
const keys = await Promise.all(Array.from({ length: KEYS }, () => issueApiKey(pool, { pepper: config.API_KEY_PEPPER, secretBox },
  { ownerId: 'bench', env: 'test', scopes: ['webhooks:manage'], webhookUrl: 'https://example.com/hook' }, { actorType: 'system', actor: 'bench' })))

async function run (label: string, requests: { apiKey: string; idempotencyKey: string }[]) {
  const latencies: number[] = []
  const statuses = new Map<number, number>()
  let next = 0
  const started = performance.now()
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < requests.length) {
      const r = requests[next++]!
      const t = performance.now()
      const res = await app.inject({ method: 'POST', url: '/v1/auth/api-keys/me/webhook-secret/rotate', headers: { 'x-api-key': r.apiKey, 'idempotency-key': r.idempotencyKey } })
      latencies.push(performance.now() - t)
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1)
    }
  }))
  const seconds = (performance.now() - started) / 1000
  latencies.sort((a, b) => a - b)
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]!.toFixed(1)
  console.log(`${label.padEnd(28)} n=${requests.length} ${(requests.length / seconds).toFixed(0)} req/s  p50 ${pct(0.5)} ms  p95 ${pct(0.95)} ms  p99 ${pct(0.99)} ms  statuses ${JSON.stringify(Object.fromEntries(statuses))}`)
}

const first = keys.map((k) => ({ apiKey: k.apiKey, idempotencyKey: randomUUID() }))
console.log(`keys ${KEYS}, concurrency ${CONCURRENCY}, in-process API + worker (concurrency ${config.WORKER_CONCURRENCY})`)
await run('rotate (one per key)', first)
await run('replay (same idempotency key)', first)
await run('cooldown refusal (new key)', keys.map((k) => ({ apiKey: k.apiKey, idempotencyKey: randomUUID() })))
console.log(`rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB, heap used ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB`)

await app.close()
await workers.close()
await pool.end()
await redis.stop()
await postgres.stop()
await rm(dir, { recursive: true, force: true })
process.exit(0)
