import path from 'node:path'
import { parseArgs } from 'node:util'
import closeWithGrace from 'close-with-grace'
import { ConfigError, configSchema, directDatabaseUrl, finalizeConfig, hasRedisTarget, parseEnv, requireExternalSecrets } from './config/config.js'
import { migrateWhenReachable } from './db/migrate.js'
import type { EmbeddedRuntime } from './embedded/embedded-runtime.js'
import { createLogger } from './logging/logger.js'
import { loadRoleModules, startServices, type Role } from './services.js'
import { assertCanListen, listenError } from './startup/listen-check.js'
import { StartupError } from './startup/startup-error.js'

// Signals that stop the service. npm forwards the ones it receives to its child, so a terminal's
// Ctrl-C (sent to the whole foreground group) arrives twice: the first starts the one shutdown,
// later ones are ignored (CLOSE_GRACE_MS still bounds it), never close-with-grace's "second signal, exit 1".
const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const

// .invalid never resolves (RFC 6761): the demo key's deliveries fail locally instead of reaching out.
const QUICKSTART_WEBHOOK_URL = 'https://webhooks.example.invalid/kash'

async function main () {
  const { values } = parseArgs({ options: { role: { type: 'string', default: 'all' } } })
  const role = values.role as Role
  if (!['all', 'api', 'worker'].includes(role)) throw new ConfigError('--role must be all, api or worker')

  const parsed = parseEnv(process.env)
  const log = createLogger(parsed.LOG_LEVEL)
  let embedded: EmbeddedRuntime | undefined
  const externalRedis = hasRedisTarget(parsed)
  const embeddedMode = !parsed.DATABASE_URL || !externalRedis
  // A second npm start is told so, not that its port is taken.
  if (embeddedMode && role === 'all') {
    const { alreadyRunning, liveOwner } = await import('./embedded/data-dir.js')
    const owner = await liveOwner(path.resolve(parsed.DATA_DIR))
    if (owner) throw alreadyRunning(path.resolve(parsed.DATA_DIR), owner)
  }
  if (role !== 'worker') await assertCanListen(parsed.PORT, parsed.HOST)
  let stopSignal: NodeJS.Signals | undefined
  // Set once the services run: the one shutdown.
  const shutdown: { start?: () => void } = {}
  function onStopSignal (signal: NodeJS.Signals) {
    if (stopSignal) return log.debug({ signal }, 'already shutting down')
    stopSignal = signal
    // During start-up the embedded servers (in their own process group) are not stopped by a
    // default signal death: start-up finishes, then the one shutdown runs.
    if (shutdown.start) shutdown.start()
    else log.info({ signal }, 'stop requested during start-up; stopping once started')
  }
  if (embeddedMode) {
    for (const signal of STOP_SIGNALS) process.on(signal, onStopSignal)
    if (role !== 'all') throw new ConfigError(`--role ${role} runs against real servers: set DATABASE_URL and REDIS_URL (or REDIS_CLUSTER_NODES, or REDIS_SENTINELS)`)
    const { startEmbeddedRuntime } = await import('./embedded/embedded-runtime.js')
    embedded = await startEmbeddedRuntime({ dataDir: parsed.DATA_DIR, databaseUrl: parsed.DATABASE_URL, externalRedis }, log)
  }
  // A Cluster or Sentinel deployment has no single URL; only the embedded redis-server fills one in.
  const redisUrl = externalRedis ? parsed.REDIS_URL : embedded!.redisUrl
  const config = finalizeConfig(parsed, parsed.DATABASE_URL
    ? { DATABASE_URL: parsed.DATABASE_URL, REDIS_URL: redisUrl, ...requireExternalSecrets(parsed) }
    : {
        DATABASE_URL: embedded!.databaseUrl,
        REDIS_URL: redisUrl,
        API_KEY_PEPPER: parsed.API_KEY_PEPPER ?? embedded!.apiKeyPepper,
        SECRET_ENCRYPTION_KEYS: parsed.SECRET_ENCRYPTION_KEYS ?? configSchema.shape.SECRET_ENCRYPTION_KEYS.parse(embedded!.secretEncryptionKeys)!,
      })

  let services: Awaited<ReturnType<typeof startServices>>
  // The role's modules load while the migration check waits on Postgres (the same promise
  // startServices awaits; a failure surfaces there).
  loadRoleModules(role).catch(() => {})
  try {
    const applied = await migrateWhenReachable(directDatabaseUrl(config), log)
    if (applied.length > 0) log.info({ applied }, 'migrations applied')
    services = await startServices(config, log, role)
  } catch (err) {
    await embedded?.stop()
    throw listenError(err, config.PORT, config.HOST) ?? err
  }
  const closer = closeWithGrace({ delay: config.CLOSE_GRACE_MS, skip: [...STOP_SIGNALS] }, async ({ err }) => {
    if (err) log.error({ err }, 'closing after an error')
    else log.info({ signal: stopSignal }, 'shutting down')
    await services.close()
    if (embedded) {
      // Last, once nothing of the app uses them.
      log.info('stopping embedded servers')
      await embedded.stop()
    }
    // The preload started the SDK; its last spans are flushed before close-with-grace exits.
    if (config.OTEL_EXPORTER_OTLP_ENDPOINT !== undefined) await (await import('./tracing/tracing.js')).stopTracing(log)
    log.info('stopped')
  })
  shutdown.start = closer.close
  if (!embedded) for (const signal of STOP_SIGNALS) process.on(signal, onStopSignal)
  if (stopSignal) return closer.close()

  if (embedded) {
    const [{ writeRuntime }, { issueApiKey }, { createSecretBox }] = await Promise.all([
      import('./embedded/data-dir.js'), import('./domain/api-keys.js'), import('./crypto/secret-box.js'),
    ])
    const apiUrl = services.address ?? null
    await writeRuntime(embedded.dataDir, { databaseUrl: config.DATABASE_URL, redisUrl: config.REDIS_URL, apiUrl, pid: process.pid, startedAt: new Date().toISOString() })
    const issued = await issueApiKey(services.pool, { pepper: config.API_KEY_PEPPER, secretBox: createSecretBox(config.SECRET_ENCRYPTION_KEYS) },
      { ownerId: 'quickstart', env: 'test', scopes: ['webhooks:manage'], webhookUrl: QUICKSTART_WEBHOOK_URL }, { actorType: 'system', actor: 'npm-start' })
    // Printed once for the person at the terminal, deliberately not through the (redacting) logger.
    process.stdout.write([
      '',
      `  Webhook secret rotation is running at ${apiUrl}`,
      `  Test API key (shown once): ${issued.apiKey}`,
      `  Try: curl -s -X POST ${apiUrl}/v1/auth/api-keys/me/webhook-secret/rotate -H "X-API-Key: ${issued.apiKey}" -H "Idempotency-Key: $(node -p 'crypto.randomUUID()')"`,
      `  Docs: ${apiUrl}/v1/docs   Admin CLI: npm run --silent admin -- keys list`,
      '',
    ].join('\n') + '\n')
  } else {
    log.info({ role, address: services.address }, 'started')
  }
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof StartupError) {
    process.stderr.write(`${err.message}\n`)
  } else {
    process.stderr.write(`start-up failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`)
  }
  process.exit(1)
})
