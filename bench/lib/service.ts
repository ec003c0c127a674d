import { spawn, type ChildProcess } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
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
  /** Peak resident set (VmHWM) of each service process so far, in MiB, by script name. */
  peakRssMiB: () => Record<string, number>
  stop: () => Promise<void>
}

function childrenOf (pid: number): number[] {
  const out: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) out.push(Number(entry))
    } catch { /* the process exited meanwhile */ }
  }
  return out
}

/**
 * The process npm finally runs the service in (npm → sh → tsx → node): the deepest process of the
 * tree whose command line names src/main.ts (tsx's own esbuild helper is deeper, but is not it).
 */
function serviceProcessOf (pid: number): number {
  let found = pid
  const visit = (p: number) => {
    for (const kid of childrenOf(p)) {
      try {
        if (readFileSync(`/proc/${kid}/cmdline`, 'utf8').includes('src/main.ts')) found = kid
      } catch { /* exited */ }
      visit(kid)
    }
  }
  visit(pid)
  return found
}

function vmHwmMiB (pid: number) {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m ? Number(m[1]) / 1024 : NaN
}

const ROLES: Record<string, string> = { start: 'all', 'start:api': 'api', 'start:worker': 'worker' }

/** `npm run <script>`; with `profileDir`, the same entry under `node --cpu-prof` (not allowed in NODE_OPTIONS). */
function npmScript (script: string, env: Record<string, string>, profileDir?: string): ChildProcess {
  const [command, args] = profileDir
    ? [process.execPath, ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, '--import', 'tsx', 'src/main.ts', '--role', ROLES[script]!]]
    : ['npm', ['run', '--silent', script]]
  // Its own process group, so a stuck one can be stopped with its children.
  return spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit'], detached: true })
}

async function until (what: string, check: () => Promise<boolean>, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** Starts the service as users do: `npm start` (API and worker in one process) or `start:api` + `start:worker`. */
export async function startService (topology: Topology, env: Record<string, string>, profileDir?: string): Promise<RunningService> {
  const port = await freePort()
  const fullEnv = { ...env, PORT: String(port), HOST: '127.0.0.1' }
  const scripts = topology === 'all' ? ['start'] : ['start:worker', 'start:api']
  const children = scripts.map((s) => ({ script: s, child: npmScript(s, fullEnv, profileDir) }))
  const origin = `http://127.0.0.1:${port}`
  let services: { script: string; pid: number }[] = []
  const stop = async () => {
    await Promise.all(children.map(({ script, child }) => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve()
      child.once('exit', () => resolve())
      // The service's own graceful close; npm exits with it. The whole group only if that fails.
      const service = services.find((s) => s.script === script)
      try {
        process.kill(service?.pid ?? -child.pid!, 'SIGTERM')
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
  services = children.map(({ script, child }) => ({ script, pid: serviceProcessOf(child.pid!) }))
  return {
    origin,
    peakRssMiB: () => Object.fromEntries(services.map(({ script, pid }) => [script, vmHwmMiB(pid)])),
    stop,
  }
}
