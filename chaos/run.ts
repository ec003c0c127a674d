// Many faults at once under load, then a ledger that must balance. `npm run chaos` (full: ≥ 200
// worker kills, several minutes) or `npm run chaos -- --short` (about 20 kills; what CI runs).
// The same load runs first in calm (no faults), then under the faults: the ledger compares the
// rotations finished per minute in the two phases. Worker lock, stalled-check and sync-wait
// settings are the defaults, so the run measures what a deployment gets.
// Real embedded Postgres and redis-server, one API and two worker processes (the production build,
// `node dist/src/main.js`, built first; `--tsx` for the sources), a receiver for the keys' webhooks. Exit 1 when any figure is not zero.
import { execFileSync } from 'node:child_process'
import { chmod, mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { parseEnv } from '../src/config/config.js'
import { createSecretBox } from '../src/crypto/secret-box.js'
import { migrate } from '../src/db/migrate.js'
import { createPool } from '../src/db/pool.js'
import { issueApiKey } from '../src/domain/api-keys.js'
import { freePort } from '../src/embedded/free-port.js'
import { startEmbeddedPostgres, type PostgresHandle } from '../src/embedded/postgres.js'
import { startRedisServer, type RedisServerHandle } from '../src/embedded/redis-server.js'
import { createLogger } from '../src/logging/logger.js'
import { ledger, verdict } from './ledger.js'
import { runIntent, type ClientKey, type Intent, type ResponseRecord } from './client.js'
import { serviceProcess, type Entry, type UnexpectedExit } from './processes.js'
import { startReceiver } from './receiver.js'
import { startResettingProxy, type LostAnswer } from './resetting-proxy.js'

// --tsx runs the sources under tsx (no build); by default the harness builds and runs dist/, as production does.
const { values } = parseArgs({ options: { short: { type: 'boolean', default: false }, tsx: { type: 'boolean', default: false } } })
const ENTRY: Entry = values.tsx ? 'tsx' : 'dist'
if (ENTRY === 'dist') execFileSync('npm', ['run', '--silent', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] })
const PLAN = values.short ? { keys: 6, kills: 20, calmMs: 20_000 } : { keys: 16, kills: 210, calmMs: 60_000 }
const OUTAGE_MS = 3000
const MIN_UPTIME_MS = 1000
const SETTLE_TIMEOUT_MS = 120_000
const started = Date.now()
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
async function waitFor (done: () => boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs
  while (!done() && Date.now() < deadline) await sleep(100)
}
const say = (line: string) => process.stdout.write(`[chaos +${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${line}\n`)

const dir = await mkdtemp(path.join(os.tmpdir(), 'rotation-chaos-'))
await chmod(dir, 0o755) // as root, Postgres runs as `postgres` and must reach its data dir
const PG_PASSWORD = 'chaos'
let postgres: PostgresHandle = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), password: PG_PASSWORD, fast: true })
let redis: RedisServerHandle = await startRedisServer({ dataDir: path.join(dir, 'redis') })
await migrate(postgres.url())

const ENCRYPTION_KEYS = `c1:${Buffer.alloc(32, 3).toString('base64')}`
const PEPPER = 'chaos-pepper-0123456789abcdef0123456789'
const apiPort = await freePort()
const env: Record<string, string> = {
  DATABASE_URL: postgres.url(),
  REDIS_URL: redis.url,
  PORT: String(apiPort),
  HOST: '127.0.0.1',
  API_KEY_PEPPER: PEPPER,
  SECRET_ENCRYPTION_KEYS: ENCRYPTION_KEYS,
  WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true',
  LOG_LEVEL: 'info',
  RATE_LIMIT_PER_MINUTE: '1000000',
  ROTATION_COOLDOWN_SECONDS: '1',
  // Short periods so the run settles in seconds once the load stops.
  RECONCILE_INTERVAL_MS: '500',
  RECONCILE_AFTER_MS: '1000',
  SWEEP_INTERVAL_MS: '1000',
  DELIVERY_BACKOFF_BASE_MS: '200',
  DELIVERY_BACKOFF_CAP_MS: '2000',
  DELIVERY_MAX_ATTEMPTS: '30',
  DELIVERY_TIMEOUT_MS: '5000',
  CLOSE_GRACE_MS: '1000',
}
const api = `http://127.0.0.1:${apiPort}`

const receiver = await startReceiver()
// Some intents go through a proxy that loses every answer after the service wrote it; what the
// service answered there is recorded all the same.
const responses: ResponseRecord[] = []
const lostAnswers: LostAnswer[] = []
const proxy = await startResettingProxy(api, (a) => {
  lostAnswers.push(a)
  responses.push({ at: a.at, status: a.status, code: a.code })
})
const log = createLogger('silent')
const pool = createPool(postgres.url(), log, { max: 4 })
const box = createSecretBox(parseEnv({ SECRET_ENCRYPTION_KEYS: ENCRYPTION_KEYS }).SECRET_ENCRYPTION_KEYS!)
const keys: ClientKey[] = []
for (let i = 0; i < PLAN.keys; i++) {
  const issued = await issueApiKey(pool, { pepper: PEPPER, secretBox: box },
    { ownerId: `chaos-${i}`, env: 'test', scopes: ['webhooks:manage'], webhookUrl: receiver.url }, { actorType: 'system', actor: 'chaos' })
  keys.push({ apiKey: issued.apiKey, apiKeyId: issued.apiKeyId, lastSecret: issued.webhookSecret!, held: [{ secret: issued.webhookSecret!, rotationId: null, since: 0, how: 'issued' }] })
}

const unexpected: UnexpectedExit[] = []
async function teardown () {
  await Promise.allSettled([apiProcess, ...workers].map((p) => p.stop()))
  await receiver.close()
  await proxy.close()
  await pool.end().catch(() => {})
  await redis.stop()
  await postgres.stop().catch(() => {})
  await rm(dir, { recursive: true, force: true })
}
// Interrupted (Ctrl-C, CI timeout): leave no process or data dir behind.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => { teardown().finally(() => process.exit(130)) })
}
const apiProcess = serviceProcess('api', 'api', env, unexpected, ENTRY)
const workers = [serviceProcess('worker-1', 'worker', env, unexpected, ENTRY), serviceProcess('worker-2', 'worker', env, unexpected, ENTRY)]
for (const p of [apiProcess, ...workers]) p.start()
await Promise.all([apiProcess, ...workers].map((p) => p.ready()))
say(`Postgres :${postgres.port}, Redis :${redis.port}, API ${api}, 2 workers (${ENTRY === 'dist' ? 'node dist/src/main.js' : 'tsx src/main.ts'}), ${PLAN.keys} keys, receiver ${receiver.url}, resetting proxy ${proxy.url}`)

// The load: each key's client runs one intent at a time, waits for its rotation's event, then goes
// again. Once the load stops, a client whose key's current secret is not the last one it received
// (its answers were lost after they were written, or a rotation it gave up on ran later) calls
// again directly once that rotation finished, so the stale-client check compares the key with the
// last secret its client received.
const intents: Intent[] = []
const load = { running: true }
const hardStop = Date.now() + 30 * 60_000
const lastReceived = new Map<string, string>() // key id → rotation id of the last 200 its client read
async function currentIsLastReceived (key: ClientKey) {
  for (;;) {
    const { rows: [k] } = await pool.query<{ current: string | null; open: boolean }>(
      `select current_secret_rotation_id as current,
              exists (select 1 from webhook_secret_rotations where api_key_id = $1 and status in ('queued', 'processing')) as open
       from api_keys where id = $1`, [key.apiKeyId]).catch(() => ({ rows: [] }))
    if (k && !k.open) return k.current === (lastReceived.get(key.apiKeyId) ?? null)
    if (Date.now() > hardStop) return true
    await sleep(250)
  }
}
const clients = keys.map(async (key) => {
  while (load.running || !(await currentIsLastReceived(key))) {
    const intent = await runIntent(api, key, responses, { giveUpAt: hardStop, proxy, lostAnswers, ...(load.running ? {} : { lossy: false }) })
    intents.push(intent)
    if (intent.final?.status === 200) lastReceived.set(key.apiKeyId, [...intent.rotationIds][0]!)
    const rotationId = [...intent.rotationIds][0]
    if (rotationId) await waitFor(() => receiver.byRotation(rotationId) !== undefined, 20_000)
    await sleep(1000 + Math.random() * 500)
  }
})

// Calm: the load alone, the baseline the chaos phase is compared with.
const calm = { from: Date.now(), to: 0 }
say(`calm: the load without faults for ${PLAN.calmMs / 1000} s`)
await sleep(PLAN.calmMs)
calm.to = Date.now()
say(`calm over, ${intents.length} intents finished; chaos starts`)

// The faults: a random worker SIGKILLed every 1–1.5 s and restarted; the API, Redis and Postgres once each.
const outages: { what: string; from: number; to: number }[] = []
let kills = 0
async function outage (what: string, stop: () => Promise<void>, restart: () => Promise<void>) {
  const from = Date.now()
  await stop()
  say(`${what} stopped`)
  await sleep(OUTAGE_MS)
  await restart()
  outages.push({ what, from, to: Date.now() })
  say(`${what} back after ${((Date.now() - from) / 1000).toFixed(1)} s`)
}
while (kills < PLAN.kills) {
  await sleep(1000 + Math.random() * 500)
  // A worker still starting has nothing to lose: the victim is a random one of those that have been
  // up for a moment (and so hold jobs). On a loaded machine, slow starts stretch the cadence.
  const upLongEnough = () => workers.filter((w) => { const since = w.upSince(); return since !== null && Date.now() - since >= MIN_UPTIME_MS })
  await waitFor(() => upLongEnough().length > 0, 120_000)
  const up = upLongEnough()
  const victim = up[Math.floor(Math.random() * up.length)] ?? workers[0]!
  await victim.kill()
  victim.start()
  kills++
  if (kills % 10 === 0) say(`${kills} worker kills, ${intents.length} intents finished`)
  if (kills === Math.round(PLAN.kills * 0.3)) {
    await outage('API (SIGKILL)', () => apiProcess.kill(), async () => { apiProcess.start(); await apiProcess.ready() })
  } else if (kills === Math.round(PLAN.kills * 0.5)) {
    await outage('Redis', () => redis.stop(), async () => { redis = await startRedisServer({ dataDir: path.join(dir, 'redis'), port: redis.port }) })
  } else if (kills === Math.round(PLAN.kills * 0.7)) {
    await outage('Postgres', () => postgres.stop(), async () => {
      postgres = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), password: PG_PASSWORD, fast: true, port: postgres.port })
    })
  }
}
load.running = false
const chaos = { from: calm.to, to: Date.now() }
say(`load stopped after ${kills} worker kills; settling`)
await Promise.all(workers.map((w) => w.ready()))
await Promise.all(clients)

const settleDeadline = Date.now() + SETTLE_TIMEOUT_MS
for (;;) {
  const { rows: [open] } = await pool.query<{ rotations: number; events: number }>(
    `select (select count(*)::int from webhook_secret_rotations where status in ('queued', 'processing')) as rotations,
            (select count(*)::int from webhook_events where status in ('pending', 'retrying')) as events`)
  if ((open!.rotations === 0 && open!.events === 0) || Date.now() > settleDeadline) break
  await sleep(250)
}

// The throughput floor is a speed figure: measured, not gated, in the 20 s windows of the short run CI makes on a shared machine.
const figures = await ledger({
  api, pool, keys, intents, responses, receiver, outages, unexpected, signingSecretsMax: parseEnv(env).SIGNING_SECRETS_MAX, phases: { calm, chaos }, throughputFloor: !values.short,
})
say(`settled; the ledger (${kills} worker SIGKILLs, ${outages.map((o) => `${o.what} down ${((o.to - o.from) / 1000).toFixed(1)} s`).join(', ')}):`)
const width = Math.max(...figures.rows.map((r) => r.label.length))
for (const r of figures.rows) process.stdout.write(`  ${r.label.padEnd(width)}  ${String(r.value).padStart(6)}${verdict(r)}\n`)
for (const e of unexpected) process.stdout.write(`  unexpected exit of ${e.name} (code ${e.code}, signal ${e.signal}); last output:\n${e.lastOutput.replace(/^/gm, '    | ')}\n`)
for (const note of figures.notes) process.stdout.write(`  ${note}\n`)

await teardown()
say(figures.ok ? 'PASS: every loss figure is zero' : 'FAIL: see the figures above')
process.exit(figures.ok ? 0 : 1)
