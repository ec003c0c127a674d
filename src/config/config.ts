import { readFileSync } from 'node:fs'
import ipaddr from 'ipaddr.js'
import { z } from 'zod'

// true/1/yes/on/y/enabled and their opposites, in any case; anything else is refused.
const bool = z.stringbool()

const seconds = (def: number) => z.coerce.number().int().min(1).default(def)
const ms = (def: number) => z.coerce.number().int().min(0).default(def)

// `kid:base64(32 bytes)[,kid:…]`; the first key encrypts, all of them decrypt.
const encryptionKeys = z.string().transform((raw, ctx) => {
  const keys: { kid: string; key: Buffer }[] = []
  for (const entry of raw.split(',').map((s) => s.trim()).filter(Boolean)) {
    const sep = entry.indexOf(':')
    const kid = entry.slice(0, sep)
    const key = Buffer.from(entry.slice(sep + 1), 'base64')
    if (sep < 1 || !/^[A-Za-z0-9_-]{1,32}$/.test(kid) || key.length !== 32) {
      ctx.addIssue({ code: 'custom', message: 'each entry must be kid:base64(32 bytes), kid in [A-Za-z0-9_-]{1,32}' })
      return z.NEVER
    }
    keys.push({ kid, key })
  }
  if (keys.length === 0) {
    ctx.addIssue({ code: 'custom', message: 'at least one key is required' })
    return z.NEVER
  }
  if (new Set(keys.map((k) => k.kid)).size !== keys.length) {
    ctx.addIssue({ code: 'custom', message: 'key ids must be unique' })
    return z.NEVER
  }
  return keys
})

// `host:port[,host:port…]`, for Redis Cluster seed nodes and Sentinels.
const hostPorts = z.string().transform((raw, ctx) => {
  const nodes: { host: string; port: number }[] = []
  for (const entry of raw.split(',').map((s) => s.trim()).filter(Boolean)) {
    const match = /^(.+):(\d{1,5})$/.exec(entry)
    const port = Number(match?.[2])
    if (!match || port < 1 || port > 65535) {
      ctx.addIssue({ code: 'custom', message: `each entry must be host:port (got "${entry}")` })
      return z.NEVER
    }
    nodes.push({ host: match[1]!.replace(/^\[(.*)\]$/, '$1'), port })
  }
  if (nodes.length === 0) {
    ctx.addIssue({ code: 'custom', message: 'at least one host:port is required' })
    return z.NEVER
  }
  return nodes
})

/** How long a request waits for a Postgres connection of its pool before it fails (src/db/pool.ts). */
export const DATABASE_CONNECT_TIMEOUT_MS = 3000

// Settings that no longer exist: refused with what replaces them, so a value an operator tuned is
// never silently ignored.
const REMOVED_SETTINGS: Record<string, string> = {
  OVERLOAD_MAX_POOL_WAITING: 'removed: load shedding now measures how long requests wait for a Postgres connection, not how many wait; set OVERLOAD_MAX_POOL_WAIT_MS (milliseconds, default 1000) instead',
}

const PROXY_PRESETS = new Set(['loopback', 'linklocal', 'uniquelocal'])

/**
 * Which proxies' X-Forwarded-For to believe, as Fastify's trustProxy takes it: unset/false for none,
 * a hop count (the client address is the one the Nth proxy from the server appended), or the
 * proxies' addresses/CIDRs (and proxy-addr's presets). `true` would trust every hop, so the
 * leftmost address, which the client writes itself, would pass an IP allowlist: it is refused.
 */
const trustProxy = z.string().trim().transform((raw, ctx): false | number | string[] => {
  if (/^(false|0|no|off|n|disabled)$/i.test(raw)) return false
  if (/^\d{1,2}$/.test(raw)) return Number(raw)
  if (/^(true|1|yes|on|y|enabled)$/i.test(raw)) {
    ctx.addIssue({ code: 'custom', message: 'trusting every proxy lets a client spoof its address: give the number of proxies in front of the API (e.g. 1) or their addresses/CIDRs' })
    return z.NEVER
  }
  const entries = raw.split(',').map((e) => e.trim()).filter(Boolean)
  const bad = entries.find((e) => !PROXY_PRESETS.has(e) && !ipaddr.isValid(e) && !isValidCidr(e))
  if (bad !== undefined || entries.length === 0) {
    ctx.addIssue({ code: 'custom', message: `must be false, a hop count or a list of proxy addresses/CIDRs (got "${bad ?? raw}")` })
    return z.NEVER
  }
  return entries
})

function isValidCidr (entry: string) {
  try {
    ipaddr.parseCIDR(entry)
    return true
  } catch {
    return false
  }
}

/** Tracing is read twice: by the preload (src/tracing/preload.ts), before anything else loads, and with the rest. */
const tracingShape = {
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  OTEL_SERVICE_NAME: z.string().min(1).default('webhook-secret-rotation'),
}

export const configSchema = z.object({
  DATABASE_URL: z.url().optional(),
  // A session-level connection to the same database (not through a transaction pooler): LISTEN for
  // finished rotations and the start-up migrations. Unset: DATABASE_URL.
  DATABASE_DIRECT_URL: z.url().optional(),
  // `transaction`: DATABASE_URL goes through a transaction pooler (PgBouncer pool_mode=transaction):
  // no named prepared statements, no session settings at connect (README "Behind PgBouncer").
  DATABASE_POOLER: z.enum(['none', 'transaction']).default('none'),
  REDIS_URL: z.url().optional(),
  REDIS_CLUSTER_NODES: hostPorts.optional(),
  REDIS_SENTINELS: hostPorts.optional(),
  REDIS_SENTINEL_NAME: z.string().min(1).optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  API_KEY_PEPPER: z.string().min(32, 'must be at least 32 characters').optional(),
  SECRET_ENCRYPTION_KEYS: encryptionKeys.optional(),
  ROTATION_COOLDOWN_SECONDS: seconds(60),
  PREVIOUS_SECRET_RETENTION_SECONDS: seconds(604800),
  // The current secret plus the retained ones that sign each delivery (issue 16): at least three.
  SIGNING_SECRETS_MAX: z.coerce.number().int().min(3).max(10).default(4),
  IDEMPOTENCY_RETENTION_SECONDS: seconds(86400),
  SECRET_REDELIVERY_GRACE_SECONDS: seconds(600),
  SECRET_HOLD_SECONDS: seconds(86400),
  // Below the upstream SDK's 30 s timeout, so its request gets an answer (200 or 503 ROTATION_IN_PROGRESS).
  ROTATE_WAIT_DEFAULT_MS: ms(25000),
  ROTATE_WAIT_MAX_MS: ms(30000),
  WEBHOOK_ALLOW_PRIVATE_ADDRESSES: bool.default(false),
  DELIVERY_TIMEOUT_MS: z.coerce.number().int().min(100).max(60000).default(10000),
  DELIVERY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(30).default(12),
  DELIVERY_BACKOFF_BASE_MS: z.coerce.number().int().min(1).default(2000),
  DELIVERY_BACKOFF_CAP_MS: z.coerce.number().int().min(1).default(3_600_000),
  DELIVERY_CONCURRENCY: z.coerce.number().int().min(1).max(200).default(10),
  TRUST_PROXY: trustProxy.default(false),
  // The origin browsers use for the console (https://ops.example.com): its cookies' Secure flag and
  // __Host- prefix, and the Origin a console form must come from.
  PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).transform((u) => new URL(u).origin).optional(),
  // The whole request (headers and body) must arrive within this; then 408 REQUEST_TIMEOUT.
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30000),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(120),
  // Refused credentials per source address (and per operator on console sign-in) per 60 s; then 429.
  AUTH_FAILURES_PER_MINUTE: z.coerce.number().int().min(1).default(30),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  QUEUE_PREFIX: z.string().min(1).default('{rotation}'),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(32),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(2).max(200).default(20),
  // A statement that runs longer is cancelled (SQLSTATE 57014) and the request answers 503.
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(15000),
  // Waiting this long for a row another session holds (an operator's transaction, a migration)
  // cancels the statement (55P03): 503 at once, saying why, instead of the statement timeout.
  DATABASE_LOCK_TIMEOUT_MS: z.coerce.number().int().min(50).max(600_000).default(2000),
  // A rotation holds its job for milliseconds: a SIGKILLed worker's jobs are free again within
  // WORKER_LOCK_DURATION_MS + WORKER_STALLED_INTERVAL_MS (README "Configuration" says why these).
  WORKER_LOCK_DURATION_MS: z.coerce.number().int().min(1000).default(4000),
  // Unset: a fifth of the lock duration (800 ms by default), so four renewals in a row can miss.
  WORKER_LOCK_RENEW_MS: z.coerce.number().int().min(100).optional(),
  WORKER_STALLED_INTERVAL_MS: z.coerce.number().int().min(100).default(1000),
  RECONCILE_INTERVAL_MS: z.coerce.number().int().min(100).max(10000).default(5000),
  RECONCILE_AFTER_MS: ms(5000),
  SWEEP_INTERVAL_MS: z.coerce.number().int().min(100).default(15000),
  // How often the job scheduler wakes the worker to rotate keys whose rotation schedule is due: a
  // due key rotates within this of its due time (docs/api.md "Scheduled rotation").
  SCHEDULED_ROTATIONS_INTERVAL_MS: z.coerce.number().int().min(100).max(3_600_000).default(60_000),
  CLOSE_GRACE_MS: ms(10000),
  DATA_DIR: z.string().min(1).default('.data'),
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  OPERATOR_SESSION_TTL_SECONDS: z.coerce.number().int().min(60).max(86400).default(1800),
  OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: ms(1000),
  OVERLOAD_MAX_HEAP_USED_BYTES: z.coerce.number().int().min(0).optional(),
  // Shed once the oldest request still waiting for a Postgres connection has waited this long: far
  // above a burst's queueing (tens of ms), below the connect timeout (docs/production.md "Configuration").
  OVERLOAD_MAX_POOL_WAIT_MS: ms(1000),
  // The checks are cheap (a timestamp, a heap figure); this bounds how late shedding starts and
  // how long it outlasts the overload.
  OVERLOAD_CHECK_INTERVAL_MS: z.coerce.number().int().min(10).max(60000).default(250),
  OVERLOAD_RETRY_AFTER_SECONDS: seconds(5),
  ...tracingShape,
}).superRefine((env, ctx) => {
  if (env.WORKER_LOCK_RENEW_MS !== undefined && env.WORKER_LOCK_RENEW_MS * 2 > env.WORKER_LOCK_DURATION_MS) {
    ctx.addIssue({ code: 'custom', path: ['WORKER_LOCK_RENEW_MS'], message: 'must be at most half of WORKER_LOCK_DURATION_MS (a missed renewal must not lose the lock)' })
  }
  if (env.DATABASE_DIRECT_URL !== undefined && env.DATABASE_URL === undefined) {
    ctx.addIssue({ code: 'custom', path: ['DATABASE_DIRECT_URL'], message: 'only meaningful with DATABASE_URL' })
  }
  if (env.DATABASE_POOLER === 'transaction' && env.DATABASE_DIRECT_URL === undefined) {
    ctx.addIssue({ code: 'custom', path: ['DATABASE_DIRECT_URL'], message: 'required with DATABASE_POOLER=transaction: LISTEN and migrations need a session of their own, not a pooled transaction' })
  }
  if (env.DATABASE_LOCK_TIMEOUT_MS >= env.DATABASE_STATEMENT_TIMEOUT_MS) {
    ctx.addIssue({ code: 'custom', path: ['DATABASE_LOCK_TIMEOUT_MS'], message: 'must be shorter than DATABASE_STATEMENT_TIMEOUT_MS (a lock wait should fail fast and say so)' })
  }
  if (env.OVERLOAD_MAX_POOL_WAIT_MS >= DATABASE_CONNECT_TIMEOUT_MS) {
    ctx.addIssue({ code: 'custom', path: ['OVERLOAD_MAX_POOL_WAIT_MS'], message: `must be below ${DATABASE_CONNECT_TIMEOUT_MS} ms, the wait after which a request fails for want of a connection (it would never shed); 0 turns the check off` })
  }
  const chosen = (['REDIS_URL', 'REDIS_CLUSTER_NODES', 'REDIS_SENTINELS'] as const).filter((k) => env[k] !== undefined)
  if (chosen.length > 1) {
    ctx.addIssue({ code: 'custom', path: [chosen[1]!], message: `set only one of REDIS_URL, REDIS_CLUSTER_NODES and REDIS_SENTINELS (got ${chosen.join(' and ')})` })
  }
  if (env.REDIS_SENTINELS !== undefined && env.REDIS_SENTINEL_NAME === undefined) {
    ctx.addIssue({ code: 'custom', path: ['REDIS_SENTINEL_NAME'], message: 'required with REDIS_SENTINELS (the master group name the Sentinels monitor)' })
  }
  if (env.REDIS_SENTINEL_NAME !== undefined && env.REDIS_SENTINELS === undefined) {
    ctx.addIssue({ code: 'custom', path: ['REDIS_SENTINEL_NAME'], message: 'only meaningful with REDIS_SENTINELS' })
  }
})

type Parsed = z.output<typeof configSchema>
export type Config = Readonly<
  Omit<Parsed, 'API_KEY_PEPPER' | 'SECRET_ENCRYPTION_KEYS' | 'DATABASE_URL' | 'REDIS_URL'> & {
    DATABASE_URL: string
    /** Unset when Redis is a Cluster (REDIS_CLUSTER_NODES) or found through Sentinels. */
    REDIS_URL: string | undefined
    API_KEY_PEPPER: string
    SECRET_ENCRYPTION_KEYS: { kid: string; key: Buffer }[]
  }
>

export class ConfigError extends Error {}

/** Parses the environment once; a bad value stops start-up with a message naming it. */
export function parseEnv (env: Record<string, string | undefined>) {
  const removed = Object.keys(REMOVED_SETTINGS).filter((name) => env[name] !== undefined && env[name] !== '')
  if (removed.length > 0) throw new ConfigError(`invalid configuration:\n${removed.map((name) => `  ${name}: ${REMOVED_SETTINGS[name]}`).join('\n')}`)
  return parseWith(configSchema, readFileVariables(env))
}

/**
 * The variables that hold a credential may be given as a file instead, NAME_FILE=/run/secrets/…
 * (the convention of Docker and compose secrets and of the official database images), so the
 * value stays out of `docker inspect`, the process environment and the compose file.
 */
export const FILE_VARIABLES = ['DATABASE_URL', 'REDIS_URL', 'API_KEY_PEPPER', 'SECRET_ENCRYPTION_KEYS'] as const

/** The environment with each NAME_FILE read into NAME (surrounding whitespace trimmed). */
export function readFileVariables (env: Record<string, string | undefined>): Record<string, string | undefined> {
  const out = { ...env }
  const problems: string[] = []
  for (const name of FILE_VARIABLES) {
    const file = env[`${name}_FILE`]
    if (file === undefined || file === '') continue
    if (env[name] !== undefined && env[name] !== '') {
      problems.push(`  ${name}_FILE: set ${name} or ${name}_FILE, not both`)
      continue
    }
    try {
      out[name] = readFileSync(file, 'utf8').trim()
    } catch (err) {
      problems.push(`  ${name}_FILE: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`)
    }
  }
  if (problems.length > 0) throw new ConfigError(`invalid configuration:\n${problems.join('\n')}`)
  return out
}

function parseWith<S extends z.ZodType> (schema: S, env: Record<string, string | undefined>): z.output<S> {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''))
  const result = schema.safeParse(cleaned)
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`)
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`)
  }
  return result.data
}

const tracingSchema = z.object(tracingShape)
export type TracingConfig = z.output<typeof tracingSchema>

/** The tracing variables alone, for the preload that starts (or does not start) the SDK. */
export function parseTracingEnv (env: Record<string, string | undefined>): TracingConfig {
  return parseWith(tracingSchema, env)
}

/** Completes a parsed env into a Config once the servers and secrets are known. */
export function finalizeConfig (
  parsed: Parsed,
  resolved: Pick<Config, 'DATABASE_URL' | 'REDIS_URL' | 'API_KEY_PEPPER' | 'SECRET_ENCRYPTION_KEYS'>
): Config {
  const config = Object.freeze({ ...parsed, ...resolved })
  if (!hasRedisTarget(config)) throw new ConfigError('invalid configuration:\n  REDIS_URL: set REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS')
  return config
}

/** The database URL for what needs a session of its own (LISTEN, migrations): never through a transaction pooler. */
export function directDatabaseUrl (config: Pick<Config, 'DATABASE_URL' | 'DATABASE_DIRECT_URL'>) {
  return config.DATABASE_DIRECT_URL ?? config.DATABASE_URL
}

/** Whether the environment names a Redis deployment (a server, a Cluster or Sentinels). */
export function hasRedisTarget (env: Pick<Parsed, 'REDIS_URL' | 'REDIS_CLUSTER_NODES' | 'REDIS_SENTINELS'>) {
  return env.REDIS_URL !== undefined || env.REDIS_CLUSTER_NODES !== undefined || env.REDIS_SENTINELS !== undefined
}

/** For servers given by URL the secrets must come from the environment too. */
export function requireExternalSecrets (parsed: Parsed) {
  const missing = (['API_KEY_PEPPER', 'SECRET_ENCRYPTION_KEYS'] as const).filter((k) => parsed[k] === undefined)
  if (missing.length > 0) {
    throw new ConfigError(`invalid configuration:\n${missing.map((k) => `  ${k}: required when DATABASE_URL is set`).join('\n')}`)
  }
  return { API_KEY_PEPPER: parsed.API_KEY_PEPPER!, SECRET_ENCRYPTION_KEYS: parsed.SECRET_ENCRYPTION_KEYS! }
}
