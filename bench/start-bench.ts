// `npm run bench:start`: how long a process takes from its start command to ready, against a bare
// Node process that only connects to the same Postgres and Redis, all measured in the same run.
// Ready: the API answers 200 on /v1/ready; the worker has committed a rotation queued before it
// started (and, for reference, logged "started"). The measured commands are the production ones
// (`npm run start:api:prod` / `start:worker:prod`, the Dockerfile CMD: node on dist/); dist/ is
// built first (`npm run build`) when missing or older than a source file. The tsx commands are
// reference rows. Options: --runs N (5), --database-url / --redis-url, --no-tsx (skip the reference
// rows), --compare-dist DIR (also time another build's production commands in the same run, e.g.
// an older commit's built with `tsx scripts/build.ts --out-dir dist/.before`: a before/after on the
// same machine at the same moment). Two more reference rows time what any Fastify API pays to start
// (bench/lib/fastify-reference.mjs): a hello-world Fastify app, and one with the plugins the
// service's API registers at start, each connected to the same Postgres and Redis.
// --image IMAGE times the production image instead (built by `npm run image:smoke` or `podman
// build`; podman on the host): bench/lib/image-start-timer.mjs runs inside one container on the
// host's network and starts, on the image's own Node, a bare process and the image's command for
// each role, with an empty compile cache (a new container) and with the one an earlier start left
// (a restarted one); only the timing is inside, so podman's own start is in no figure.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { once } from 'node:events'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { freePort } from '../src/embedded/free-port.js'
import { createLogger } from '../src/logging/logger.js'
import { createRotationQueue } from '../src/queue/rotation-queue.js'
import { queueRotations, seedKeys, startInfra, type Infra } from './lib/infra.js'
import { machine } from './lib/report.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    'database-url': { type: 'string' },
    'redis-url': { type: 'string' },
    'no-tsx': { type: 'boolean', default: false },
    'compare-dist': { type: 'string' },
    image: { type: 'string' },
  },
})

/** Newest modification time under the given directories (files only), in ms. */
function newest (dirs: string[], skipDotDirs = false) {
  let latest = 0
  for (const dir of dirs) {
    for (const name of readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })) {
      // Other builds inside dist/ (the build test's, --compare-dist's) are not dist/ itself.
      if (skipDotDirs && name.startsWith('.')) continue
      const stat = statSync(path.join(ROOT, dir, name))
      if (stat.isFile()) latest = Math.max(latest, stat.mtimeMs)
    }
  }
  return latest
}

// The production commands run dist/: built now unless it is newer than every source it comes from
// (--image times a built image, not dist/).
const SOURCES = ['src', 'workers', 'migrations', 'scripts']
const distAt = (() => { try { return newest(['dist'], true) } catch { return 0 } })()
if (!values.image && (distAt === 0 || newest(SOURCES) > distAt)) {
  process.stderr.write('dist/ missing or older than its sources: npm run build\n')
  const built = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' })
  if (built.status !== 0) process.exit(built.status ?? 1)
}

// The baseline: node, pg and ioredis loaded, one round trip to each server, nothing else.
const BARE = `
  const { default: pg } = await import('pg')
  const { Redis } = await import('ioredis')
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL })
  const redis = new Redis(process.env.REDIS_URL)
  await Promise.all([client.connect().then(() => client.query('select 1')), redis.ping()])
  process.stdout.write('ready\\n')`
// (It stays connected until the bench kills it, as the services do, so its CPU time can be read.)

// The Dockerfile CMD (and start:*:prod without npm in between).
const PROD_ENTRY = ['--import', './dist/src/tracing/preload.js', 'dist/src/main.js']
const TSX_ENTRY = ['--import', 'tsx', '--import', './src/tracing/preload.ts', 'src/main.ts']
const COMMANDS: Record<string, { role: 'api' | 'worker' | 'bare'; argv: string[] }> = {
  'bare node + pg + ioredis': { role: 'bare', argv: [process.execPath, '--input-type=module', '-e', BARE] },
  'api: node dist (Dockerfile CMD)': { role: 'api', argv: [process.execPath, ...PROD_ENTRY, '--role', 'api'] },
  'worker: node dist (Dockerfile CMD)': { role: 'worker', argv: [process.execPath, ...PROD_ENTRY, '--role', 'worker'] },
  'reference: fastify hello-world + pg + ioredis': { role: 'api', argv: [process.execPath, 'bench/lib/fastify-reference.mjs'] },
  'reference: fastify + the API\'s start-up plugins': { role: 'api', argv: [process.execPath, 'bench/lib/fastify-reference.mjs', '--plugins'] },
  'api: npm run start:api:prod': { role: 'api', argv: ['npm', 'run', '--silent', 'start:api:prod'] },
  'worker: npm run start:worker:prod': { role: 'worker', argv: ['npm', 'run', '--silent', 'start:worker:prod'] },
  ...(values['compare-dist']
    ? Object.fromEntries((['api', 'worker'] as const).map((role) => [`compare: ${role}, node ${values['compare-dist']}`, {
      role,
      argv: [process.execPath, '--import', `./${path.join(values['compare-dist']!, 'src/tracing/preload.js')}`, path.join(values['compare-dist']!, 'src/main.js'), '--role', role],
    }]))
    : {}),
  ...(values['no-tsx']
    ? {}
    : {
        'reference: api, node + tsx': { role: 'api', argv: [process.execPath, ...TSX_ENTRY, '--role', 'api'] },
        'reference: worker, node + tsx': { role: 'worker', argv: [process.execPath, ...TSX_ENTRY, '--role', 'worker'] },
      }),
}

async function until (check: () => Promise<boolean>, child: ChildProcess, output: () => string) {
  const deadline = Date.now() + 60_000
  while (!(await check().catch(() => false))) {
    if (child.exitCode !== null) throw new Error(`exited (${child.exitCode}) before ready:\n${output().slice(-3000)}`)
    if (Date.now() > deadline) throw new Error(`not ready within 60 s:\n${output().slice(-3000)}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/**
 * CPU time (user + system) the process has used, from /proc (Linux; clock ticks of 10 ms): less
 * disturbed than wall time by other work on a shared machine. Undefined elsewhere, and for npm
 * (its own CPU, not the node process it starts).
 */
function cpuMs (pid: number) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    return (Number(fields[11]) + Number(fields[12])) * 10
  } catch { return undefined }
}

/** The process' peak resident set (VmHWM) so far, in MiB; undefined where /proc has none. */
function peakRssMiB (pid: number) {
  try {
    const kB = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
    return kB === undefined ? undefined : Number(kB) / 1024
  } catch { return undefined }
}

/** Starts one command and returns ms to ready (and to its "started" line, when it logs one). */
async function measure (infra: Infra, pool: pg.Pool, name: string) {
  const { role, argv } = COMMANDS[name]!
  const port = await freePort()
  const prefix = `{start-${randomUUID().slice(0, 8)}}`
  const queue = createRotationQueue({ url: infra.redisUrl }, prefix, createLogger('silent'))
  const [rotationId] = role === 'worker' ? await queueRotations(pool, queue, await seedKeys(pool, infra, 1, 'http://127.0.0.1:9/hook')) : []
  const env = {
    ...process.env,
    DATABASE_URL: infra.databaseUrl,
    REDIS_URL: infra.redisUrl,
    API_KEY_PEPPER: infra.pepper,
    SECRET_ENCRYPTION_KEYS: infra.encryptionKeys,
    QUEUE_PREFIX: prefix,
    PORT: String(port),
    LOG_LEVEL: 'info',
  }
  const t0 = performance.now()
  // Its own process group, so npm's children stop with it.
  const child = spawn(argv[0]!, argv.slice(1), { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
  let output = ''
  let startedMs: number | undefined
  const keep = (d: Buffer) => {
    output += d.toString()
    if (startedMs === undefined && /"msg":"started"|^ready$/m.test(output)) startedMs = performance.now() - t0
  }
  child.stdout!.on('data', keep)
  child.stderr!.on('data', keep)
  try {
    if (role === 'bare') await until(async () => startedMs !== undefined, child, () => output)
    if (role === 'api') await until(async () => (await fetch(`http://127.0.0.1:${port}/v1/ready`)).status === 200, child, () => output)
    if (role === 'worker') {
      await until(async () => (await pool.query('select status from webhook_secret_rotations where id = $1', [rotationId])).rows[0]?.status === 'succeeded',
        child, () => output)
    }
    const readyMs = performance.now() - t0
    const own = argv[0] !== 'npm'
    return { readyMs, startedMs, cpuMs: own ? cpuMs(child.pid!) : undefined, peakRssMiB: own ? peakRssMiB(child.pid!) : undefined }
  } finally {
    if (child.exitCode === null) {
      process.kill(-child.pid!, 'SIGKILL')
      await once(child, 'exit')
    }
    await queue.close()
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

type Samples = { readyMs: number[]; startedMs: number[]; cpuMs: number[]; peakRssMiB: number[] }

/** The table: each command's median and fastest start against the bare row's. */
function report (results: Record<string, Samples>, bareName: string, extra: Record<string, unknown> = {}) {
  const bare = median(results[bareName]!.readyMs)
  const bareMin = Math.min(...results[bareName]!.readyMs)
  const rows = Object.entries(results).map(([name, r]) => ({
    command: name,
    readyMedianMs: Math.round(median(r.readyMs)),
    readyMinMs: Math.round(Math.min(...r.readyMs)),
    startedLogMedianMs: r.startedMs.length ? Math.round(median(r.startedMs)) : null,
    ratioToBare: Number((median(r.readyMs) / bare).toFixed(2)),
    // On a shared machine the fastest run of each is the least disturbed: the steadier ratio.
    minRatioToBareMin: Number((Math.min(...r.readyMs) / bareMin).toFixed(2)),
    cpuMedianMs: r.cpuMs.length ? median(r.cpuMs) : null,
    // Up to ready only: issue 19's peak under load is `npm run bench`'s.
    peakRssToReadyMiB: r.peakRssMiB.length ? Math.round(Math.max(...r.peakRssMiB)) : null,
  }))
  console.table(rows)
  console.log(JSON.stringify({ machine: machine(), runs: Number(values.runs), ...extra, rows }))
}

/** --image: one container runs bench/lib/image-start-timer.mjs; each worker start has its own queue and rotation. */
async function measureImage (infra: Infra, pool: pg.Pool, image: string) {
  const runs = Number(values.runs)
  const workers = []
  for (let i = 0; i < 2 * runs + 1; i++) {
    const prefix = `{start-${randomUUID().slice(0, 8)}}`
    const queue = createRotationQueue({ url: infra.redisUrl }, prefix, createLogger('silent'))
    const [rotationId] = await queueRotations(pool, queue, await seedKeys(pool, infra, 1, 'http://127.0.0.1:9/hook'))
    await queue.close()
    workers.push({ prefix, rotationId })
  }
  const env = { DATABASE_URL: infra.databaseUrl, REDIS_URL: infra.redisUrl, API_KEY_PEPPER: infra.pepper, SECRET_ENCRYPTION_KEYS: infra.encryptionKeys, LOG_LEVEL: 'info', BENCH_PLAN: JSON.stringify({ runs, bare: BARE, workers }) }
  const run = spawnSync('podman', [
    'run', '--rm', '--network', 'host',
    '-v', `${path.join(ROOT, 'bench/lib/image-start-timer.mjs')}:/app/bench/start-timer.mjs:ro`,
    '-v', `${path.join(ROOT, 'bench/lib/fastify-reference.mjs')}:/app/bench/fastify-reference.mjs:ro`,
    ...Object.keys(env).flatMap((name) => ['-e', name]),
    image, 'node', 'bench/start-timer.mjs',
  ], { env: { CONTAINERS_CONF: path.join(ROOT, 'deploy/podman/containers.conf'), ...process.env, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
  if (run.status !== 0) throw new Error(`podman run ${image}: exit ${run.status}\n${run.stdout}`)
  const { node, rows } = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { node: string; rows: Record<string, { readyMs: number; cpuMs: number }[]> }
  const results = Object.fromEntries(Object.entries(rows).map(([name, starts]) => [name, {
    readyMs: starts.map((r) => r.readyMs), startedMs: [], cpuMs: starts.map((r) => r.cpuMs), peakRssMiB: [],
  }]))
  report(results, 'bare', { image, node })
}

const infra = await startInfra({ databaseUrl: values['database-url'], redisUrl: values['redis-url'] })
const pool = new pg.Pool({ connectionString: infra.databaseUrl, max: 2 })
try {
  if (values.image) await measureImage(infra, pool, values.image)
  else {
    const results: Record<string, Samples> = {}
    for (const name of Object.keys(COMMANDS)) results[name] = { readyMs: [], startedMs: [], cpuMs: [], peakRssMiB: [] }
    // Interleaved, so a busy moment on the machine touches every command alike.
    for (let run = 0; run < Number(values.runs); run++) {
      for (const name of Object.keys(COMMANDS)) {
        const r = await measure(infra, pool, name)
        results[name]!.readyMs.push(r.readyMs)
        if (r.startedMs !== undefined) results[name]!.startedMs.push(r.startedMs)
        if (r.cpuMs !== undefined) results[name]!.cpuMs.push(r.cpuMs)
        if (r.peakRssMiB !== undefined) results[name]!.peakRssMiB.push(r.peakRssMiB)
      }
    }
    report(results, 'bare node + pg + ioredis')
  }
} finally {
  await pool.end()
  await infra.stop()
}
