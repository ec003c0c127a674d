import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes, randomUUID } from 'node:crypto'
import { once } from 'node:events'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { createLogger } from '../../src/logging/logger.js'
import { createRotationQueue } from '../../src/queue/rotation-queue.js'
import { queueRotations, seedKeys } from './infra.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

export interface WorkerKillOptions {
  databaseUrl: string
  redisUrl: string
  /** Rotations the killed worker holds when it dies (at most its WORKER_CONCURRENCY, 32 by default). */
  inFlight: number
  /** How long to wait for every one of them to finish after the kill. */
  timeoutMs: number
  /** Extra environment for both workers (the defaults are what is measured). */
  env?: Record<string, string>
}

export interface WorkerKillRound {
  /** Rotations active in the killed worker (BullMQ) and inside its Postgres transactions when it died. */
  inFlight: number
  /** Per rotation: from the SIGKILL to its commit by the surviving worker (Postgres clock), ms. */
  recoveryMs: number[]
  /** Rotations that did not end `succeeded`. */
  unfinished: number
  /** Keys whose secret moved more or less than once (a doubled or lost rotation). */
  wrongVersions: number
}

interface Role { child: ChildProcess; output: () => string }

/** `npm run start:worker` as a process of its own (the same entry, without npm in between). */
function startWorker (env: Record<string, string>): Role {
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', './src/tracing/preload.ts', 'src/main.ts', '--role', 'worker'], {
    cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const keep = (d: Buffer) => { output = (output + d.toString()).slice(-20_000) }
  child.stdout!.on('data', keep)
  child.stderr!.on('data', keep)
  return { child, output: () => output }
}

async function until (what: string, check: () => Promise<boolean>, timeoutMs: number, roles: Role[]) {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    for (const r of roles) {
      if (r.child.exitCode !== null) throw new Error(`worker exited (${r.child.exitCode}) while waiting for ${what}:\n${r.output().slice(-3000)}`)
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/**
 * One worker holds `inFlight` rotations, each inside its Postgres transaction (another session holds
 * the keys' rows, as a slow database would), when it is SIGKILLed; a second worker, started with the
 * same settings and idle, must take them over. Measures each rotation from the kill to its commit.
 */
export async function killWorkerWithRotationsInFlight (o: WorkerKillOptions): Promise<WorkerKillRound> {
  const pool = new pg.Pool({ connectionString: o.databaseUrl, max: 4 })
  const prefix = `{kill-${randomUUID().slice(0, 8)}}`
  const secrets = { pepper: randomBytes(24).toString('base64'), encryptionKeys: `b1:${randomBytes(32).toString('base64')}` }
  const env = {
    DATABASE_URL: o.databaseUrl,
    REDIS_URL: o.redisUrl,
    QUEUE_PREFIX: prefix,
    API_KEY_PEPPER: secrets.pepper,
    SECRET_ENCRYPTION_KEYS: secrets.encryptionKeys,
    ...o.env,
  }
  const queue = createRotationQueue({ url: o.redisUrl }, prefix, createLogger('silent'))
  const holder = new pg.Client({ connectionString: o.databaseUrl, application_name: 'worker-kill-holder' })
  const roles: Role[] = []
  try {
    // A loopback webhook URL the address policy refuses: the rotations' events send nothing anywhere.
    const keys = await seedKeys(pool, secrets, o.inFlight, 'http://127.0.0.1:9/hook')
    const ids = await queueRotations(pool, queue, keys)
    await holder.connect()
    await holder.query('begin')
    await holder.query('select id from api_keys where id = any($1::uuid[]) for update', [keys.map((k) => k.id)])

    // The worker that dies waits on those rows as long as it lives (its lock timeout raised for that),
    // each of its jobs inside a transaction (a connection for each, more than the default 20).
    const doomed = startWorker({
      ...env, DATABASE_LOCK_TIMEOUT_MS: '300000', DATABASE_STATEMENT_TIMEOUT_MS: '600000', DATABASE_POOL_SIZE: String(o.inFlight + 2),
    })
    roles.push(doomed)
    const lockWaits = async () => Number((await pool.query<{ n: string }>(
      'select count(*) as n from pg_stat_activity where datname = current_database() and wait_event_type = \'Lock\'')).rows[0]!.n)
    await until(`${o.inFlight} rotations in flight`, async () => await queue.getActiveCount() === o.inFlight && await lockWaits() >= o.inFlight, 60_000, roles)

    const survivor = startWorker(env)
    roles.push(survivor)
    await until('the second worker to start', async () => survivor.output().includes('"msg":"started"'), 60_000, roles)

    const killedAt = (await pool.query<{ now: Date }>('select clock_timestamp() as now')).rows[0]!.now
    doomed.child.kill('SIGKILL')
    await once(doomed.child, 'exit')
    roles.shift()
    // The slow database recovers too: the rows are free again.
    await holder.query('rollback')

    const finished = async () => Number((await pool.query<{ n: string }>(
      'select count(*) as n from webhook_secret_rotations where id = any($1::uuid[]) and status in (\'succeeded\', \'rejected\', \'failed\')', [ids])).rows[0]!.n)
    await until('every rotation to finish', async () => await finished() === ids.length, o.timeoutMs, roles).catch(() => {})

    const { rows } = await pool.query<{ ms: number | null; status: string; secretVersion: number }>(
      `select extract(epoch from r.completed_at - $2::timestamptz)::float8 * 1000 as ms, r.status, k.secret_version as "secretVersion"
       from webhook_secret_rotations r join api_keys k on k.id = r.api_key_id where r.id = any($1::uuid[])`, [ids, killedAt])
    return {
      inFlight: o.inFlight,
      recoveryMs: rows.filter((r) => r.status === 'succeeded').map((r) => r.ms!),
      unfinished: rows.filter((r) => r.status !== 'succeeded').length,
      wrongVersions: rows.filter((r) => r.secretVersion !== 2).length,
    }
  } finally {
    for (const r of roles) r.child.kill('SIGKILL')
    await holder.end().catch(() => {})
    await queue.close()
    await pool.end()
  }
}
