import path from 'node:path'
import type { Logger } from 'pino'
import { StartupError } from '../startup/startup-error.js'
import { claimDataDir, postgresDataDir, loadOrCreateSecrets, removeRuntime } from './data-dir.js'
import { startEmbeddedPostgres } from './postgres.js'
import { redisServerMissing, startRedisServer } from './redis-server.js'

export interface EmbeddedRuntime {
  dataDir: string
  databaseUrl: string
  /** Set when the private redis-server was started (no Redis given in the environment). */
  redisUrl: string | undefined
  apiKeyPepper: string
  secretEncryptionKeys: string
  stop: () => Promise<void>
}

/**
 * `npm start` without servers: an embedded Postgres (data under .data/) and a private
 * redis-server child (AOF under .data/redis), each only where no URL was given.
 */
export async function startEmbeddedRuntime (
  opts: { dataDir: string; databaseUrl?: string; externalRedis: boolean },
  log: Logger
): Promise<EmbeddedRuntime> {
  const dataDir = path.resolve(opts.dataDir)
  const secrets = await loadOrCreateSecrets(dataDir)
  await claimDataDir(dataDir)
  const stops: (() => Promise<void>)[] = []
  try {
    // redis-server first: a missing binary is reported in a moment, not after Postgres' start.
    let redisUrl: string | undefined
    if (!opts.externalRedis) {
      log.info('starting private redis-server')
      const redis = await startRedisServer({ dataDir: path.join(dataDir, 'redis'), detached: true }).catch((err: unknown) => {
        if (!redisServerMissing(err)) throw err
        throw new StartupError('REDIS_URL is not set, so npm start runs a private redis-server, but there is no redis-server on the PATH.\n' +
          'Install it (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis; no npm package ships Redis), ' +
          'or point REDIS_URL at a Redis you run: REDIS_URL=redis://127.0.0.1:6379 npm start')
      })
      stops.push(redis.stop)
      redisUrl = redis.url
    }
    let databaseUrl = opts.databaseUrl
    if (!databaseUrl) {
      const pgDir = await postgresDataDir(dataDir)
      log.info({ dataDir: pgDir }, 'starting embedded postgres')
      const pg = await startEmbeddedPostgres({ dataDir: pgDir, password: secrets.postgresPassword, detached: true, ownerDir: dataDir })
      stops.push(pg.stop)
      databaseUrl = pg.url()
    }
    return {
      dataDir,
      databaseUrl,
      redisUrl,
      apiKeyPepper: secrets.apiKeyPepper,
      secretEncryptionKeys: secrets.secretEncryptionKeys,
      stop: async () => {
        await removeRuntime(dataDir)
        for (const stop of stops.reverse()) await stop()
      },
    }
  } catch (err) {
    for (const stop of stops.reverse()) await stop().catch(() => {})
    await removeRuntime(dataDir)
    throw err
  }
}
