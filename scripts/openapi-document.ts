import pg from 'pg'
import { Redis } from 'ioredis'
import openapiTS, { astToString } from 'openapi-typescript'
import { buildApp } from '../src/app.js'
import { finalizeConfig, parseEnv } from '../src/config/config.js'
import { createLogger } from '../src/logging/logger.js'
import { closeQueues, createQueues } from '../src/queue/queues.js'

export const CLIENT_TYPES_FILE = 'packages/client/src/openapi-types.ts'
const UNUSED_REDIS_URL = 'redis://unused.invalid:6379'

/**
 * The API's OpenAPI document, built in-process without any server: nothing connects (the pool and
 * Redis are lazy and never used), so `npm run client:types` needs neither Postgres nor Redis.
 */
export async function buildOpenApiDocument () {
  const log = createLogger('silent')
  const config = finalizeConfig(parseEnv({}), {
    DATABASE_URL: 'postgres://unused.invalid/unused',
    REDIS_URL: UNUSED_REDIS_URL,
    API_KEY_PEPPER: 'openapi-document-only-0123456789abcdef',
    SECRET_ENCRYPTION_KEYS: parseEnv({ SECRET_ENCRYPTION_KEYS: `k:${Buffer.alloc(32).toString('base64')}` }).SECRET_ENCRYPTION_KEYS!,
  })
  const pool = new pg.Pool({ connectionString: config.DATABASE_URL })
  const redis = new Redis(UNUSED_REDIS_URL, { lazyConnect: true, enableOfflineQueue: false })
  const queues = createQueues(redis, config, log)
  const app = await buildApp({ config, pool, redis, queues, log })
  try {
    await app.ready()
    return (await app.openapiDocument())()
  } finally {
    await app.close()
    await closeQueues(queues)
    redis.disconnect()
    await pool.end()
  }
}

const HEADER = '// Generated from /v1/openapi.json by `npm run client:types` (openapi-typescript). Do not edit.\n\n'

/** The client's types as `npm run client:types` writes them. */
export async function generateClientTypes () {
  const document = await buildOpenApiDocument()
  const ast = await openapiTS(document as Parameters<typeof openapiTS>[0])
  return HEADER + astToString(ast)
}
