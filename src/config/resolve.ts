import path from 'node:path'
import { readRuntime, readSecrets } from '../embedded/data-dir.js'
import { ConfigError, configSchema, finalizeConfig, hasRedisTarget, parseEnv, requireExternalSecrets, type Config } from './config.js'

/**
 * Config for tools that join a running service (admin CLI, migrations): servers from the
 * environment, or else from the embedded instance's `.data/runtime.json`.
 */
export async function resolveConfig (env: Record<string, string | undefined>, opts: { needRedis: boolean }): Promise<{ config: Config }> {
  const parsed = parseEnv(env)
  const dataDir = path.resolve(parsed.DATA_DIR)
  if (parsed.DATABASE_URL) {
    if (opts.needRedis && !hasRedisTarget(parsed)) throw new ConfigError('invalid configuration:\n  REDIS_URL: required with DATABASE_URL for this command (or REDIS_CLUSTER_NODES, or REDIS_SENTINELS)')
    return {
      config: finalizeConfig(parsed, {
        DATABASE_URL: parsed.DATABASE_URL,
        // Commands that never touch Redis still get a complete config; this default is never dialled.
        REDIS_URL: hasRedisTarget(parsed) ? parsed.REDIS_URL : 'redis://127.0.0.1:6379',
        ...requireExternalSecrets(parsed),
      }),
    }
  }
  const [runtime, secrets] = await Promise.all([readRuntime(dataDir), readSecrets(dataDir)])
  if (!runtime || !secrets) {
    throw new ConfigError(`DATABASE_URL is not set and no embedded instance is running (no ${path.join(parsed.DATA_DIR, 'runtime.json')}). Start one with \`npm start\`, or set DATABASE_URL.`)
  }
  if (!runtime.databaseUrl) throw new ConfigError(`The embedded instance (pid ${runtime.pid}) is still starting; try again in a few seconds.`)
  const keys = configSchema.shape.SECRET_ENCRYPTION_KEYS.parse(env.SECRET_ENCRYPTION_KEYS || secrets.secretEncryptionKeys)!
  return {
    config: finalizeConfig(parsed, {
      DATABASE_URL: runtime.databaseUrl,
      REDIS_URL: hasRedisTarget(parsed) ? parsed.REDIS_URL : runtime.redisUrl,
      API_KEY_PEPPER: parsed.API_KEY_PEPPER ?? secrets.apiKeyPepper,
      SECRET_ENCRYPTION_KEYS: keys,
    }),
  }
}
