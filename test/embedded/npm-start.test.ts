import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, symlink } from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { npmStart, readRuntimeJson, tempDataDir, type NpmStart } from '../fixtures/npm-start.js'
import { eventually } from '../helper.js'

/** Nothing listens on the URL's port any more. */
function refused (url: string) {
  const { port } = new URL(url)
  return new Promise<boolean>((resolve) => {
    const socket = net.connect(Number(port), '127.0.0.1')
    socket.once('connect', () => { socket.destroy(); resolve(false) })
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'))
  })
}

/** The log lines of a non-TTY start (JSON, one a line). */
function jsonLogs (output: string) {
  return output.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { level: number; msg: string })
}

let dataDir: string
let cleanup: () => Promise<void>
beforeAll(async () => { ({ dataDir, cleanup } = await tempDataDir()) })
afterAll(async () => { await cleanup() })

async function stopsCleanly (start: NpmStart, send: () => void) {
  await start.started()
  const runtime = await readRuntimeJson(dataDir)
  send()
  expect(await start.exited, start.output).toBe(0)
  const output = start.output.replace(/\r/g, '')
  expect(output.match(/shutting down/g)).toHaveLength(1)
  expect(output).not.toMatch(/second SIG|killed by timeout|WARN|ERROR|ECONNREFUSED|\n\s+at /)
  // The app closes first; the embedded servers go after it, then nothing is left listening.
  const order = ['shutting down', 'stopping embedded servers', 'stopped'].map((m) => output.lastIndexOf(m))
  expect(order).toEqual([...order].sort((a, b) => a - b))
  expect(await refused(runtime.databaseUrl!)).toBe(true)
  expect(await refused(runtime.redisUrl!)).toBe(true)
  expect(existsSync(path.join(dataDir, 'runtime.json'))).toBe(false)
  return output
}

describe('npm start', () => {
  it('refuses a second start on the same data dir, naming the first, and leaves the first running', async () => {
    const first = npmStart(dataDir)
    const { apiUrl } = await first.started()
    const owner = await readRuntimeJson(dataDir)

    const second = npmStart(dataDir)
    expect(await second.exited).toBe(1)
    expect(second.output).toContain(`npm start is already running from this data dir at ${apiUrl}, pid ${owner.pid}`)
    expect(second.output).not.toMatch(/\n\s+at /) // a message, not a stack

    expect(await readRuntimeJson(dataDir)).toEqual(owner) // the admin CLI still finds the first
    const ready = await fetch(`${apiUrl}/v1/ready`)
    expect(ready.status).toBe(200) // its Postgres and Redis are untouched
    process.kill(first.child.pid!, 'SIGTERM')
    expect(await first.exited).toBe(0)
  })

  it('starts after a run that was SIGKILLed, stopping the Postgres and redis-server it left running', async () => {
    const killed = npmStart(dataDir)
    await killed.started()
    const orphaned = await readRuntimeJson(dataDir)
    process.kill(-killed.child.pid!, 'SIGKILL') // npm and the app; the servers, in their own groups, live on
    await killed.exited
    expect(await refused(orphaned.redisUrl!)).toBe(false)

    const next = npmStart(dataDir)
    const { apiUrl } = await next.started()
    expect((await fetch(`${apiUrl}/v1/ready`)).status).toBe(200)
    expect(await refused(orphaned.databaseUrl!)).toBe(true)
    expect(await refused(orphaned.redisUrl!)).toBe(true)
    process.kill(next.child.pid!, 'SIGTERM')
    expect(await next.exited).toBe(0)
  })

  it('stops once, app first and embedded servers last, on SIGTERM to npm (a process manager)', async () => {
    const start = npmStart(dataDir)
    const output = await stopsCleanly(start, () => process.kill(start.child.pid!, 'SIGTERM'))
    // Not a terminal: JSON logs, every one below warn.
    expect(jsonLogs(output).filter((l) => l.level >= 40)).toEqual([])
    expect(jsonLogs(output).map((l) => l.msg)).toContain('stopped')
  })

  it('stops once on SIGINT to npm', async () => {
    const start = npmStart(dataDir)
    await stopsCleanly(start, () => process.kill(start.child.pid!, 'SIGINT'))
  })

  it('stops once on SIGINT to its process group (npm and the app both get it; npm forwards it again)', async () => {
    const start = npmStart(dataDir)
    await stopsCleanly(start, () => process.kill(-start.child.pid!, 'SIGINT'))
  })

  it('stops once on SIGTERM to its process group', async () => {
    const start = npmStart(dataDir)
    await stopsCleanly(start, () => process.kill(-start.child.pid!, 'SIGTERM'))
  })

  it('stops once started on a Ctrl-C during start-up, leaving no server running', async () => {
    const start = npmStart(dataDir)
    await eventually(async () => start.output.includes('starting embedded postgres'), 90_000, 20)
    process.kill(start.child.pid!, 'SIGINT') // npm forwards it to the app
    expect(await start.exited).toBe(0)
    expect(start.output).toMatch(/stop requested during start-up/)
    expect(start.output.match(/"msg":"shutting down"/g)).toHaveLength(1)
    expect(start.output).toMatch(/"msg":"stopped"/)
    expect(existsSync(path.join(dataDir, 'runtime.json'))).toBe(false)
    expect(existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false)
  })

  it('stops once on Ctrl-C typed at its terminal, and logs pretty there', async () => {
    const start = npmStart(dataDir, { tty: true })
    const output = await stopsCleanly(start, () => start.child.stdin!.write('\x03'))
    expect(output).toMatch(/INFO.*shutting down/)
    expect(output).not.toContain('{"level"')
  })
})

describe('npm start, the start-up errors a newcomer meets', () => {
  it('names PORT and HOST in one line when the port is taken, before starting Postgres or Redis', async () => {
    const taken = net.createServer()
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
    onTestFinished(() => new Promise<void>((resolve) => taken.close(() => resolve())))
    const { port } = taken.address() as net.AddressInfo
    const start = npmStart(dataDir, { env: { PORT: String(port), HOST: '127.0.0.1' } })
    expect(await start.exited).toBe(1)
    expect(start.output).toContain(`PORT ${port} on HOST 127.0.0.1 is already in use`)
    expect(start.output).toContain(`PORT=${port + 1} npm start`)
    expect(start.output).not.toMatch(/starting embedded postgres|starting private redis-server|\n\s+at /)
  })

  it('names REDIS_URL and how to install redis-server when there is none, without a stack', async () => {
    // A PATH with node and npm but no redis-server.
    const bin = await mkdtemp(path.join(os.tmpdir(), 'rotation-no-redis-'))
    onTestFinished(() => rm(bin, { recursive: true, force: true }))
    await symlink(process.execPath, path.join(bin, 'node'))
    await symlink('/bin/sh', path.join(bin, 'sh'))
    await symlink(execFileSync('sh', ['-c', 'readlink -f "$(command -v npm)"'], { encoding: 'utf8' }).trim(), path.join(bin, 'npm'))
    const start = npmStart(dataDir, { env: { PATH: bin } })
    expect(await start.exited).toBe(1)
    expect(start.output).toContain('REDIS_URL is not set, so npm start runs a private redis-server, but there is no redis-server on the PATH.')
    expect(start.output).toContain('apt-get install redis-server')
    expect(start.output).not.toMatch(/starting embedded postgres|\n\s+at /)
    expect(existsSync(path.join(dataDir, 'runtime.json'))).toBe(false) // nothing left claiming the data dir
  })
})
