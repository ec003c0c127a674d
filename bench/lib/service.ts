import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Queue } from 'bullmq'
import { Redis } from 'ioredis'
import { freePort } from '../../src/embedded/free-port.js'
import { ROTATION_QUEUE } from '../../src/queue/rotation-queue.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

export type Topology = 'all' | 'split'

export interface RunningService {
  origin: string
  /** Peak resident set (VmHWM) of each service process so far, in MiB, by role. */
  peakRssMiB: () => Record<string, number>
  stop: () => Promise<void>
}

function vmHwmMiB (pid: number) {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m ? Number(m[1]) / 1024 : NaN
}

// The production start (the Dockerfile's CMD with its NODE_OPTIONS heap settings, `start:*:prod`):
// node on the build output. `all` is both roles in one process, as `npm start` runs them against given servers.
const ENTRY = ['--max-old-space-size=512', '--max-semi-space-size=32', '--import', './dist/src/tracing/preload.js', 'dist/src/main.js']
type Role = 'all' | 'api' | 'worker'

/** `node dist/src/main.js --role <role>`; with `profileDir`, under `node --cpu-prof`. */
function serviceProcess (role: Role, env: Record<string, string>, profileDir?: string): ChildProcess {
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []
  // Its own process group, so a stuck one can be stopped with its children.
  return spawn(process.execPath, [...profile, ...ENTRY, '--role', role], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit'], detached: true })
}

/** Builds dist/ (`npm run build`): the bench measures the service as production runs it. */
export function buildService () {
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] })
}

async function until (what: string, check: () => Promise<boolean>, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** Starts the service as production does: one process with both roles, or an API and a worker process. */
export async function startService (topology: Topology, env: Record<string, string>, profileDir?: string): Promise<RunningService> {
  const port = await freePort()
  const fullEnv = { ...env, PORT: String(port), HOST: '127.0.0.1' }
  const roles: Role[] = topology === 'all' ? ['all'] : ['worker', 'api']
  const children = roles.map((role) => ({ role, child: serviceProcess(role, fullEnv, profileDir) }))
  const origin = `http://127.0.0.1:${port}`
  const stop = async () => {
    await Promise.all(children.map(({ child }) => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve()
      child.once('exit', () => resolve())
      // The service's own graceful close; the whole group only if that fails.
      try {
        process.kill(child.pid!, 'SIGTERM')
      } catch {
        resolve()
      }
      setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL') } catch { /* already gone */ } }, 20_000).unref()
    })))
  }
  try {
    await until('the API', async () => (await fetch(`${origin}/v1/health`)).ok)
    const redis = new Redis(env.REDIS_URL!, { maxRetriesPerRequest: null })
    const queue = new Queue(ROTATION_QUEUE, { connection: redis, prefix: env.QUEUE_PREFIX })
    try {
      await until('the rotation worker', async () => (await queue.getWorkersCount()) > 0)
    } finally {
      await queue.close()
      redis.disconnect()
    }
  } catch (err) {
    await stop()
    throw err
  }
  return {
    origin,
    peakRssMiB: () => Object.fromEntries(children.map(({ role, child }) => [role, vmHwmMiB(child.pid!)])),
    stop,
  }
}
