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

/** Tracing is read twice: by the preload (src/tracing/preload.ts), before anything else loads, and with the rest. */
const tracingShape = {
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  OTEL_SERVICE_NAME: z.string().min(1).default('webhook-secret-rotation'),
}

export const configSchema = z.object({
  DATABASE_URL: z.url().optional(),
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
  TRUST_PROXY: bool.default(false),
  // The whole request (headers and body) must arrive within this; then 408 REQUEST_TIMEOUT.
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30000),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(120),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  QUEUE_PREFIX: z.string().min(1).default('{rotation}'),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(32),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(2).max(200).default(20),
  WORKER_LOCK_DURATION_MS: ms(30000),
  WORKER_STALLED_INTERVAL_MS: ms(30000),
  RECONCILE_INTERVAL_MS: z.coerce.number().int().min(100).max(10000).default(5000),
  RECONCILE_AFTER_MS: ms(5000),
  SWEEP_INTERVAL_MS: z.coerce.number().int().min(100).default(15000),
  CLOSE_GRACE_MS: ms(10000),
  DATA_DIR: z.string().min(1).default('.data'),
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  OPERATOR_SESSION_TTL_SECONDS: z.coerce.number().int().min(60).max(86400).default(1800),
  OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: ms(1000),
  OVERLOAD_MAX_HEAP_USED_BYTES: z.coerce.number().int().min(0).optional(),
  OVERLOAD_MAX_POOL_WAITING: z.coerce.number().int().min(0).default(20),
  OVERLOAD_CHECK_INTERVAL_MS: z.coerce.number().int().min(10).max(60000).default(1000),
  OVERLOAD_RETRY_AFTER_SECONDS: seconds(5),
  ...tracingShape,
}).superRefine((env, ctx) => {
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
  return parseWith(configSchema, env)
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
