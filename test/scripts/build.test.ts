import { execFile } from 'node:child_process'
import { randomBytes, randomUUID } from 'node:crypto'
import { readdir, readFile, rm } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { freePort } from '../../src/embedded/free-port.js'
import { spawnRole } from '../fixtures/spawn-role.js'
import { expectOneTraceAcrossProcesses } from '../fixtures/traced-processes.js'
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
  // Inside dist/ (git- and lint-ignored), so the built files resolve this checkout's node_modules and package.json.
  const outDir = path.join('dist', `.build-test-${randomUUID()}`)
  beforeAll(async () => {
    await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/build.ts', '--out-dir', outDir], { maxBuffer: 16 * 1024 * 1024 })
  }, 180_000)
  afterAll(() => rm(outDir, { recursive: true, force: true }))

  it('produces an API that, run with node from the build output, migrates its database and serves the operator console with its stylesheet', async () => {
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

  it('runs both roles with plain node and the compiled tracing preload, each passing the container health check until it stops', async () => {
    const env = {
      DATABASE_URL: await createEmptyDatabase(),
      REDIS_URL: inject('redisUrl'),
      QUEUE_PREFIX: `{t-${randomUUID()}}`,
      // Tracing on: the compiled preload starts the OpenTelemetry SDK (nothing listens there; spans are dropped).
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${await freePort()}`,
    }
    const entry = ['--import', `./${outDir}/src/tracing/preload.js`, path.join(outDir, 'src/main.js')]
    const healthcheck = async (ports: Record<string, string>) => {
      try {
        const { stdout } = await promisify(execFile)(process.execPath, [path.join(outDir, 'src/healthcheck.js')], { env: { ...process.env, ...ports } })
        return { ok: true, output: stdout }
      } catch (err) {
        return { ok: false, output: String((err as { stderr?: string }).stderr) }
      }
    }
    for (const role of ['worker', 'api'] as const) {
      const ports = { PORT: String(await freePort()), METRICS_PORT: String(await freePort()) }
      const proc = spawnRole(role, { ...env, ...ports }, entry)
      const healthy = await eventually(async () => {
        proc.assertAlive()
        const result = await healthcheck(ports)
        return result.ok && result
      }, 60_000, 200)
      expect(healthy.output).toBe(`healthy: {"role":"${role}","status":"ok"}\n`)

      proc.child.kill('SIGTERM')
      const code = await new Promise((resolve) => proc.child.once('exit', resolve))
      expect(code, proc.output).toBe(0)
      const after = await healthcheck(ports)
      expect(after.ok).toBe(false)
      expect(after.output).toMatch(/^unhealthy: \/health on :\d+: /)
    }
  }, 180_000)

  it('traces a rotation across the built API and worker: the bundled Fastify and the external pg are still instrumented', async () => {
    await expectOneTraceAcrossProcesses(await createEmptyDatabase(), ['--import', `./${outDir}/src/tracing/preload.js`, path.join(outDir, 'src/main.js')])
  }, 120_000)
})
