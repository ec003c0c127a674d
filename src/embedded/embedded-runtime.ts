import path from 'node:path'
import type { Logger } from 'pino'
import { postgresDataDir, loadOrCreateSecrets, removeRuntime } from './data-dir.js'
import { startEmbeddedPostgres } from './postgres.js'
import { startRedisServer } from './redis-server.js'

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
  const stops: (() => Promise<void>)[] = []
  try {
    let databaseUrl = opts.databaseUrl
    if (!databaseUrl) {
      const pgDir = await postgresDataDir(dataDir)
      log.info({ dataDir: pgDir }, 'starting embedded postgres')
      const pg = await startEmbeddedPostgres({ dataDir: pgDir, password: secrets.postgresPassword })
      stops.push(pg.stop)
      databaseUrl = pg.url()
    }
    let redisUrl: string | undefined
    if (!opts.externalRedis) {
      log.info('starting private redis-server')
      const redis = await startRedisServer({ dataDir: path.join(dataDir, 'redis') })
      stops.push(redis.stop)
      redisUrl = redis.url
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
    throw err
  }
}
