// `npm run failover`: Postgres fails over under load. Patroni (etcd as its DCS) runs two Postgres 15
// nodes, HAProxy routes to the one Patroni's REST API calls primary, and the service (start:api and
// start:worker, DATABASE_URL through HAProxy) serves clients that each rotate their own key in a
// loop, replaying a lost answer with the same Idempotency-Key. Mid-run the primary node is killed
// (its Patroni and its postmaster SIGKILLed) and Patroni promotes the standby once the leader key
// expires. Printed per mode: the time without writes and the ledger.
// Options: --modes sync,async  --clients 6  --before 10 (s of load before the kill)  --after 15
// (s of load after the first write on the new primary)  --lag-ms 3000 (the standby's WAL receiver is
// stopped this long before the kill, as a slow link would; 0: no lag). Needs: apt-get install postgresql-15
// patroni etcd-server haproxy python3-etcd.
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes, randomUUID } from 'node:crypto'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { aad, createSecretBox } from '../src/crypto/secret-box.js'
import { freePort } from '../src/embedded/free-port.js'
import { startRedisServer } from '../src/embedded/redis-server.js'
import { seedKeys, type BenchKey } from './lib/infra.js'
import { startPatroniCluster } from './lib/patroni.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const { values } = parseArgs({
  options: {
    modes: { type: 'string', default: 'sync,async' },
    clients: { type: 'string', default: '6' },
    before: { type: 'string', default: '10' },
    after: { type: 'string', default: '15' },
    'lag-ms': { type: 'string', default: '3000' },
  },
})
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

interface Answer { keyId: string; rotationId: string; secret: string; answeredAt: number }

/** One client: rotates its key until told to stop, finishing (replaying) the rotation it started. */
async function client (origin: string, key: BenchKey, answers: Answer[], stop: { now: boolean }, statuses: Record<string, number>) {
  let unfinished = 0
  while (!stop.now) {
    const idempotencyKey = randomUUID()
    const startedAt = Date.now()
    for (;;) {
      const res = await fetch(`${origin}/v1/auth/api-keys/me/webhook-secret/rotate`, {
        method: 'POST', headers: { 'x-api-key': key.apiKey, 'idempotency-key': idempotencyKey }, signal: AbortSignal.timeout(40_000),
      }).catch(() => undefined)
      const body = res ? await res.json().catch(() => ({})) as { webhookSecret?: { rotationId: string; secret: string } } : {}
      const answer = res ? `${res.status}${res.headers.get('x-error-code') ? ` ${res.headers.get('x-error-code')}` : ''}` : 'no answer'
      statuses[answer] = (statuses[answer] ?? 0) + 1
      if (res?.status === 200 && body.webhookSecret) {
        answers.push({ keyId: key.id, ...body.webhookSecret, answeredAt: Date.now() })
        break
      }
      if (stop.now && Date.now() - startedAt > 90_000) { unfinished++; break }
      await sleep(res?.status === 429 ? 1000 * Number(res.headers.get('retry-after') ?? 1) : 250)
    }
  }
  return unfinished
}

function startRole (role: 'api' | 'worker', env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', '--role', role], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] })
}

async function run (mode: 'sync' | 'async') {
  const logDir = path.join(os.tmpdir(), `pg-failover-${mode}-${Date.now()}`)
  const cluster = await startPatroniCluster({ nodes: 2, synchronous: mode === 'sync', logDir })
  const redis = await startRedisServer()
  const roles: ChildProcess[] = []
  let pool: pg.Pool | undefined
  try {
    const first = await cluster.healthy(180_000)
    const admin = new pg.Client({ connectionString: cluster.url('postgres') })
    await admin.connect()
    await admin.query('create database rotation')
    await admin.end()

    const secrets = { pepper: randomBytes(24).toString('base64'), encryptionKeys: `b1:${randomBytes(32).toString('base64')}` }
    const port = await freePort()
    const env = {
      DATABASE_URL: cluster.url('rotation'),
      REDIS_URL: redis.url,
      API_KEY_PEPPER: secrets.pepper,
      SECRET_ENCRYPTION_KEYS: secrets.encryptionKeys,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      ROTATION_COOLDOWN_SECONDS: '1',
      RATE_LIMIT_PER_MINUTE: '1000000',
    }
    roles.push(startRole('api', env))
    const origin = `http://127.0.0.1:${port}`
    for (let ready = false; !ready; await sleep(200)) ready = (await fetch(`${origin}/v1/ready`).catch(() => undefined))?.status === 200
    roles.push(startRole('worker', env))

    pool = new pg.Pool({ connectionString: cluster.url('rotation'), max: 2 })
    pool.on('error', () => {})
    const keys = await seedKeys(pool, secrets, Number(values.clients), 'http://127.0.0.1:9/hook')
    const answers: Answer[] = []
    const stop = { now: false }
    const statuses: Record<string, number> = {}
    const clients = Promise.all(keys.map((k) => client(origin, k, answers, stop, statuses)))

    // Steady state first: every client has had a rotation answered (the worker is up), then the load runs on.
    while (new Set(answers.map((a) => a.keyId)).size < keys.length) await sleep(100)
    await sleep(Number(values.before) * 1000)
    // The standby falls behind for a moment (a slow link), and the primary dies during it, the WAL
    // still on its way lost with it.
    const dropLink = Number(values['lag-ms']) > 0 ? await cluster.stallReplication(cluster.nodes.find((n) => n !== first)!) : () => {}
    await sleep(Number(values['lag-ms']))
    const killedAt = Date.now()
    await cluster.killNode(first)
    dropLink()
    console.log(`[${mode}] killed ${first.name} (primary) with ${answers.length} rotations answered`)
    const deadline = Date.now() + 180_000
    while (!answers.some((a) => a.answeredAt > killedAt) && Date.now() < deadline) await sleep(100)
    const firstAfter = answers.find((a) => a.answeredAt > killedAt)?.answeredAt
    const lastBefore = Math.max(...answers.filter((a) => a.answeredAt <= killedAt).map((a) => a.answeredAt))
    const promoted = await cluster.primary()
    await sleep(Number(values.after) * 1000)
    stop.now = true
    const unfinished = (await clients).reduce((a, b) => a + b, 0)

    // The ledger, read from the new primary.
    await sleep(2000) // let the last jobs' commits land
    const { rows } = await pool.query<{ id: string; status: string; api_key_id: string; idempotency_key: string }>(
      'select id, status, api_key_id, idempotency_key from webhook_secret_rotations')
    const byId = new Map(rows.map((r) => [r.id, r]))
    const lost = answers.filter((a) => byId.get(a.rotationId)?.status !== 'succeeded')
    const answeredIds = new Set(answers.map((a) => a.rotationId))
    const unanswered = rows.filter((r) => r.status === 'succeeded' && !answeredIds.has(r.id))
    const box = createSecretBox([{ kid: 'b1', key: Buffer.from(secrets.encryptionKeys.slice(3), 'base64') }])
    const current = new Map((await pool.query<{ id: string; webhook_secret: string }>('select id, webhook_secret from api_keys where owner_id = $1', ['bench']))
      .rows.map((r) => [r.id, box.decrypt(r.webhook_secret, aad.current(r.id))]))
    // At the end: every client's last secret must be its key's current one.
    const stale = keys.filter((k) => {
      const last = answers.filter((a) => a.keyId === k.id).at(-1)
      return last !== undefined && current.get(k.id) !== last.secret
    })
    // Clients that, when the new primary took over, held a secret it never saw (a client that did not
    // rotate again would sign with it, or expect its deliveries signed with it, forever).
    const heldLost = keys.filter((k) => {
      const lastBefore = answers.filter((a) => a.keyId === k.id && a.answeredAt <= killedAt).at(-1)
      return lastBefore !== undefined && byId.get(lastBefore.rotationId)?.status !== 'succeeded'
    })
    const doubled = rows.length - new Set(rows.map((r) => `${r.api_key_id}/${r.idempotency_key}`)).size
    const result = {
      mode,
      lagMs: Number(values['lag-ms']),
      killed: first.name,
      promoted: promoted?.name ?? null,
      rotationsAnswered: answers.length,
      timeWithoutWritesMs: firstAfter ? firstAfter - lastBefore : null,
      killToFirstWriteMs: firstAfter ? firstAfter - killedAt : null,
      lost: lost.length,
      doubled,
      staleClients: stale.length,
      clientsHoldingLostSecretAtFailover: heldLost.length,
      succeededNeverAnswered: unanswered.length,
      clientsGaveUp: unfinished,
      answers: statuses,
      logs: logDir,
    }
    console.log(JSON.stringify(result))
    return result
  } finally {
    for (const r of roles) r.kill('SIGKILL')
    await pool?.end().catch(() => {})
    await redis.stop()
    await cluster.stop()
  }
}

const results = []
for (const mode of values.modes.split(',') as ('sync' | 'async')[]) results.push(await run(mode))
console.table(results.map(({ logs: _logs, answers: _answers, ...r }) => r))
