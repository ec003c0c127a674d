import { createHash, randomBytes } from 'node:crypto'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { StartupError } from '../startup/startup-error.js'
import { alive } from './alive.js'
import { isRoot, reachableByOthers } from './reachable.js'

export interface EmbeddedSecrets {
  apiKeyPepper: string
  /** `kid:base64(32 bytes)` as SECRET_ENCRYPTION_KEYS takes it. */
  secretEncryptionKeys: string
  postgresPassword: string
}

export interface RuntimeInfo {
  /** Absent while the instance is still starting (it has claimed the data dir, no servers yet). */
  databaseUrl?: string
  /** Absent when Redis is a Cluster or behind Sentinels (the admin CLI then reads those from the environment). */
  redisUrl?: string
  apiUrl: string | null
  pid: number
  startedAt: string
}

const SECRETS_FILE = 'secrets.json'
const RUNTIME_FILE = 'runtime.json'

/** The embedded instance's secrets, generated on first start and kept (mode 0600) in the data dir. */
export async function loadOrCreateSecrets (dataDir: string): Promise<EmbeddedSecrets> {
  const existing = await readSecrets(dataDir)
  if (existing) return existing
  const secrets: EmbeddedSecrets = {
    apiKeyPepper: randomBytes(32).toString('base64url'),
    secretEncryptionKeys: `k1:${randomBytes(32).toString('base64')}`,
    postgresPassword: randomBytes(18).toString('base64url'),
  }
  // The folder stays searchable so Postgres' own user can reach pg/ inside it; the files are 0600.
  await mkdir(dataDir, { recursive: true, mode: 0o755 })
  await writeFile(path.join(dataDir, SECRETS_FILE), JSON.stringify(secrets, null, 2), { mode: 0o600, flag: 'wx' })
  return secrets
}

export async function readSecrets (dataDir: string): Promise<EmbeddedSecrets | null> {
  const text = await readFile(path.join(dataDir, SECRETS_FILE), 'utf8').catch(() => null)
  return text === null ? null : JSON.parse(text) as EmbeddedSecrets
}

export async function writeRuntime (dataDir: string, info: RuntimeInfo) {
  await writeFile(path.join(dataDir, RUNTIME_FILE), JSON.stringify(info, null, 2), { mode: 0o600 })
}

export async function readRuntime (dataDir: string): Promise<RuntimeInfo | null> {
  const text = await readFile(path.join(dataDir, RUNTIME_FILE), 'utf8').catch(() => null)
  return text === null ? null : JSON.parse(text) as RuntimeInfo
}

/** Removes runtime.json if this process wrote it (never another instance's). */
export async function removeRuntime (dataDir: string) {
  const runtime = await readRuntime(dataDir).catch(() => null)
  if (runtime?.pid === process.pid) await rm(path.join(dataDir, RUNTIME_FILE), { force: true })
}

/** The instance named in runtime.json, when that process is alive and is not this one. */
export async function liveOwner (dataDir: string): Promise<RuntimeInfo | null> {
  const runtime = await readRuntime(dataDir).catch(() => null)
  return runtime && runtime.pid !== process.pid && alive(runtime.pid) ? runtime : null
}

export function alreadyRunning (dataDir: string, owner: RuntimeInfo) {
  const where = owner.apiUrl ? ` at ${owner.apiUrl}` : ' (still starting)'
  return new StartupError(`npm start is already running from this data dir${where}, pid ${owner.pid}, data in ${dataDir}.\n` +
    `Use that one, stop it first (Ctrl-C in its terminal, or kill ${owner.pid}), or give this one its own DATA_DIR and PORT.`)
}

/**
 * Takes the data dir for this process before any server starts: refuses while the instance named
 * in runtime.json is alive (a second `npm start` must not stop the first one's Postgres nor remove
 * its runtime.json), and otherwise writes this process' pid there. Two starts at the same moment:
 * only one creates the file.
 */
export async function claimDataDir (dataDir: string) {
  const file = path.join(dataDir, RUNTIME_FILE)
  const info: RuntimeInfo = { apiUrl: null, pid: process.pid, startedAt: new Date().toISOString() }
  for (;;) {
    const owner = await liveOwner(dataDir)
    if (owner) throw alreadyRunning(dataDir, owner)
    // A runtime.json of a process that is gone is left by a killed run: ours replaces it.
    const stale = await readRuntime(dataDir).catch(() => null)
    if (stale) await rm(file, { force: true })
    try {
      await writeFile(file, JSON.stringify(info, null, 2), { mode: 0o600, flag: 'wx' })
      return
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      // another start wrote it between our read and our write: look again
    }
  }
}

/**
 * Where the embedded Postgres keeps its data: `<dataDir>/pg`, unless we run as root and the
 * `postgres` user cannot reach it (a checkout under a root-only folder); then a stable folder
 * under /var/tmp named after the data dir.
 */
export async function postgresDataDir (dataDir: string) {
  const preferred = path.join(dataDir, 'pg')
  // Postgres owns pg/ itself (mode 0700 once initialised); its user only has to get through dataDir.
  if (!isRoot() || reachableByOthers(dataDir)) {
    await mkdir(dataDir, { recursive: true, mode: 0o755 })
    return preferred
  }
  const tag = createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 12)
  const parent = path.join('/var/tmp', `webhook-rotation-${tag}`)
  await mkdir(parent, { recursive: true, mode: 0o755 })
  return path.join(parent, 'pg')
}
