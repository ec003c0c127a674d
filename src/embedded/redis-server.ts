import { spawn, type ChildProcess } from 'node:child_process'
import { mkdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { Redis } from 'ioredis'
import { alive } from './alive.js'
import { freePort } from './free-port.js'

const PID_FILE = 'redis-server.pid'

export interface RedisServerOptions {
  /** Where AOF files go; omit for a memory-only server (tests). */
  dataDir?: string
  port?: number
  binary?: string
  /** Appended to the defaults (tests: cluster or replica settings). */
  extraArgs?: string[]
  /** In a process group of its own (npm start: a terminal's Ctrl-C reaches the app, which stops it last). */
  detached?: boolean
}

/** The binary is not on the PATH (spawn's ENOENT). */
export function redisServerMissing (err: unknown) {
  return (err as Error).cause !== undefined && ((err as Error).cause as NodeJS.ErrnoException).code === 'ENOENT'
}

export interface RedisServerHandle {
  url: string
  port: number
  stop: () => Promise<void>
  /** SIGKILL, for tests that fail a server over; resolves once it has exited. */
  kill: () => Promise<void>
}

/**
 * A private `redis-server` child on loopback. No npm package ships Redis, so the binary comes from
 * the system (Debian: `apt-get install redis-server`). Configured as BullMQ needs it: noeviction.
 */
export async function startRedisServer (opts: RedisServerOptions = {}): Promise<RedisServerHandle> {
  const port = opts.port ?? await freePort()
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--maxmemory-policy', 'noeviction', '--protected-mode', 'yes']
  if (opts.dataDir) {
    await mkdir(opts.dataDir, { recursive: true })
    await stopStaleRedisServer(opts.dataDir)
    args.push('--dir', opts.dataDir, '--appendonly', 'yes', '--pidfile', path.join(opts.dataDir, PID_FILE))
  } else {
    args.push('--appendonly', 'no')
  }
  return spawnRedisServer(port, [...args, ...opts.extraArgs ?? []], opts.binary, { detached: opts.detached })
}

/**
 * Runs `redis-server` with these arguments (a config file may come first, as Sentinel needs) and
 * resolves once it answers PING on `port`.
 */
export async function spawnRedisServer (port: number, args: string[], binary = 'redis-server', opts: { detached?: boolean } = {}): Promise<RedisServerHandle> {
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: opts.detached ?? false })
  let output = ''
  child.stdout?.on('data', (d: Buffer) => { output = (output + d.toString()).slice(-4000) })
  child.stderr?.on('data', (d: Buffer) => { output = (output + d.toString()).slice(-4000) })
  const url = `redis://127.0.0.1:${port}`
  try {
    await waitForPing(url, child)
  } catch (err) {
    child.kill('SIGKILL')
    const hint = (err as NodeJS.ErrnoException).code === 'ENOENT' ? ' (is redis-server installed? Debian: apt-get install redis-server)' : ''
    throw new Error(`redis-server did not start${hint}:\n${output}`, { cause: err })
  }
  return { url, port, stop: () => stopChild(child, 'SIGTERM'), kill: () => stopChild(child, 'SIGKILL') }
}

/**
 * A run killed without shutdown (SIGKILL) leaves its redis-server running on our AOF folder, in
 * its own process group; a second server on the same AOF files must never start beside it.
 * Called once the data dir is ours (its owner is gone), so one still running there is stale.
 */
async function stopStaleRedisServer (dataDir: string) {
  const pid = Number((await readFile(path.join(dataDir, PID_FILE), 'utf8').catch(() => '')).trim())
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return
  // The pid may have been reused since: only a redis-server is stopped (Linux names it in /proc).
  const name = await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => null)
  if (name !== null && !name.startsWith('redis-server')) return
  process.kill(pid, 'SIGTERM')
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((resolve) => setTimeout(resolve, 100))
}

async function waitForPing (url: string, child: ChildProcess) {
  const spawnError = new Promise<never>((_resolve, reject) => child.once('error', reject))
  spawnError.catch(() => {})
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}`)
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 500 })
    probe.on('error', () => {})
    try {
      await Promise.race([probe.connect().then(() => probe.ping()), spawnError])
      return
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw err
    } finally {
      probe.disconnect()
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error('redis-server did not answer PING within 5 s')
}

function stopChild (child: ChildProcess, signal: NodeJS.Signals) {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.once('exit', () => resolve())
    child.kill(signal)
  })
}
