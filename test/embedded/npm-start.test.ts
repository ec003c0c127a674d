import { existsSync } from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { npmStart, readRuntimeJson, tempDataDir, type NpmStart } from '../fixtures/npm-start.js'

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
  expect(await start.exited).toBe(0)
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

  it('stops once on Ctrl-C typed at its terminal, and logs pretty there', async () => {
    const start = npmStart(dataDir, { tty: true })
    const output = await stopsCleanly(start, () => start.child.stdin!.write('\x03'))
    expect(output).toMatch(/INFO.*shutting down/)
    expect(output).not.toContain('{"level"')
  })
})
