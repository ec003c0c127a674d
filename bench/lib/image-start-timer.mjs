// Runs inside the production image (`npm run bench:start -- --image IMAGE`, bench/start-bench.ts):
// times the image's own start commands against a bare Node process, all on the image's Node and
// files, so neither podman nor the host's Node is part of any figure. Plain JavaScript: the image
// has no tsx. Reads BENCH_PLAN (JSON: runs, the bare baseline's script, the worker starts' prefixes and rotations)
// and prints one JSON line of results. Every worker's rotation is queued before the container
// starts, so the workers run with RECONCILE_AFTER_MS far out: a worker's first reconcile would
// otherwise finish the rotations queued for the later starts. Rows:
//   bare:         node + pg + ioredis, one round trip to each (no NODE_OPTIONS, no compile cache)
//   reference:    bench/lib/fastify-reference.mjs (mounted beside this file), a hello-world
//                 Fastify app and one with the API's start-up plugins, on the image's packages
//   api / worker, cold: the Dockerfile CMD with an empty compile-cache directory (a new container)
//   api / worker, warm: the same with the cache an earlier start of that role left (a restart
//                 of the same container, or NODE_COMPILE_CACHE on a volume)
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'

const plan = JSON.parse(process.env.BENCH_PLAN)
const CMD = ['--import', './dist/src/tracing/preload.js', 'dist/src/main.js']
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 1 })
const warmCache = { api: mkdtempSync(path.join(os.tmpdir(), 'cache-api-')), worker: mkdtempSync(path.join(os.tmpdir(), 'cache-worker-')) }
let nextWorker = 0

/** A loopback port free now (the container shares the host's network). */
async function freePort () {
  const server = createServer().listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address()
  server.close()
  return port
}

function cpuMs (pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
  return (Number(fields[11]) + Number(fields[12])) * 10
}

async function until (check, child, output) {
  const deadline = Date.now() + 60_000
  while (!(await check().catch(() => false))) {
    if (child.exitCode !== null) throw new Error(`exited (${child.exitCode}) before ready:\n${output().slice(-3000)}`)
    if (Date.now() > deadline) throw new Error(`not ready within 60 s:\n${output().slice(-3000)}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/**
 * One start: ms to ready. `warmUp` stops it the normal way once it has logged "started" (its
 * SIGTERM handler is set up then), so Node writes the compile cache as it exits.
 */
async function measure (role, cacheDir, warmUp = false) {
  const port = await freePort()
  const worker = role === 'worker' ? plan.workers[nextWorker++] : undefined
  const { NODE_OPTIONS, ...bareEnv } = process.env
  const env = role === 'bare'
    ? bareEnv
    : { ...process.env, PORT: String(port), ...(cacheDir ? { NODE_COMPILE_CACHE: cacheDir } : {}), ...(worker ? { QUEUE_PREFIX: worker.prefix, RECONCILE_AFTER_MS: '3600000' } : {}) }
  const argv = role === 'bare'
    ? ['--input-type=module', '-e', plan.bare]
    : role.startsWith('reference') ? ['bench/fastify-reference.mjs', ...(role.endsWith('plugins') ? ['--plugins'] : [])] : [...CMD, '--role', role]
  const t0 = performance.now()
  const child = spawn(process.execPath, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (d) => { output += d })
  child.stderr.on('data', (d) => { output += d })
  if (role === 'bare') await until(async () => /^ready$/m.test(output), child, () => output)
  if (role === 'api' || role.startsWith('reference')) await until(async () => (await fetch(`http://127.0.0.1:${port}/v1/ready`)).status === 200, child, () => output)
  if (role === 'worker') {
    await until(async () => (await pool.query('select status from webhook_secret_rotations where id = $1', [worker.rotationId])).rows[0]?.status === 'succeeded',
      child, () => output)
  }
  const result = { readyMs: performance.now() - t0, cpuMs: cpuMs(child.pid) }
  if (warmUp) await until(async () => /"msg":"started"/.test(output), child, () => output)
  child.kill(warmUp ? 'SIGTERM' : 'SIGKILL')
  await once(child, 'exit')
  if (warmUp && child.exitCode !== 0) throw new Error(`warm-up ${role} exited ${child.exitCode ?? child.signalCode}:\n${output.slice(-3000)}`)
  return result
}

const REFERENCES = { 'reference: fastify hello-world + pg + ioredis': 'reference', 'reference: fastify + the API\'s start-up plugins': 'reference, plugins' }
const rows = { bare: [], 'api, cold': [], 'api, warm': [], 'worker, cold': [], 'worker, warm': [], ...Object.fromEntries(Object.keys(REFERENCES).map((name) => [name, []])) }
// Untimed: fill each role's warm cache (a start stopped the normal way writes it).
await measure('api', warmCache.api, true)
await measure('worker', warmCache.worker, true)
for (let run = 0; run < plan.runs; run++) {
  rows.bare.push(await measure('bare'))
  for (const role of ['api', 'worker']) {
    const cold = mkdtempSync(path.join(os.tmpdir(), 'cache-cold-'))
    rows[`${role}, cold`].push(await measure(role, cold))
    rmSync(cold, { recursive: true, force: true })
    rows[`${role}, warm`].push(await measure(role, warmCache[role]))
  }
  for (const [name, role] of Object.entries(REFERENCES)) rows[name].push(await measure(role))
}
await pool.end()
process.stdout.write(`${JSON.stringify({ node: process.version, rows })}\n`)
