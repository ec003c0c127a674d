import { execFile } from 'node:child_process'
import { randomBytes, randomUUID } from 'node:crypto'
import { readdir, readFile, rm } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import pg from 'pg'
import { describe, expect, inject, it, onTestFinished } from 'vitest'
import { freePort } from '../../src/embedded/free-port.js'
import { spawnRole } from '../fixtures/spawn-role.js'
import { eventually } from '../helper.js'

/** An empty database (no template): the built API has to run every migration itself. */
async function createEmptyDatabase () {
  const name = `build_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: inject('pgUrl') })
  await admin.connect()
  try { await admin.query(`create database ${name}`) } finally { await admin.end() }
  const url = new URL(inject('pgUrl'))
  url.pathname = `/${name}`
  return url.toString()
}

describe('npm run build', () => {
  it('produces an API that, run with node from the build output, migrates its database and serves the operator console with its stylesheet', async () => {
    // Inside dist/ (git- and lint-ignored), so the built files resolve this checkout's node_modules and package.json.
    const outDir = path.join('dist', `.build-test-${randomUUID()}`)
    onTestFinished(() => rm(outDir, { recursive: true, force: true }))
    await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/build.ts', '--out-dir', outDir], { maxBuffer: 16 * 1024 * 1024 })

    const databaseUrl = await createEmptyDatabase()
    const port = await freePort()
    const api = spawnRole('api', {
      DATABASE_URL: databaseUrl,
      REDIS_URL: inject('redisUrl'),
      QUEUE_PREFIX: `{t-${randomUUID()}}`,
      PORT: String(port),
    }, [path.join(outDir, 'src/main.js')])
    const base = `http://127.0.0.1:${port}`
    await eventually(async () => {
      api.assertAlive()
      return (await fetch(`${base}/v1/health`).catch(() => undefined))?.status === 200
    }, 60_000, 100)

    const signIn = await fetch(`${base}/admin/sign-in`)
    expect(signIn.status).toBe(200)
    expect(await signIn.text()).toContain('<link rel="stylesheet" href="/admin/console.css">')
    const css = await fetch(`${base}/admin/console.css`)
    expect(css.status).toBe(200)
    expect(css.headers.get('content-type')).toMatch(/^text\/css/)
    expect(await css.text()).toBe(await readFile('src/console/console.css', 'utf8'))

    const client = new pg.Client({ connectionString: databaseUrl })
    await client.connect()
    try {
      const { rows } = await client.query<{ version: string }>('select max(version)::text as version from schema_version')
      expect(Number(rows[0]!.version)).toBe((await readdir('migrations')).filter((f) => f.endsWith('.sql')).length)
    } finally {
      await client.end()
    }
  }, 180_000)
})
