import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, inject, it, onTestFinished } from 'vitest'

const run = promisify(execFile)

// The benchmark's short version, so it cannot rot: every phase runs against real servers and the
// service started by npm, but for a few hundred ms each, with small padding and no thresholds.
describe('npm run bench -- --smoke', () => {
  it('runs every phase end to end and writes each figure, with its baseline, as JSON', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-smoke-'))
    onTestFinished(() => rm(dir, { recursive: true, force: true }))
    const out = path.join(dir, 'latest.json')

    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'bench/rotate-bench.ts', '--smoke',
      '--database-url', inject('pgUrl'), '--redis-url', inject('redisUrl'), '--out', out], { timeout: 540_000, maxBuffer: 16 * 2 ** 20 })

    const report = JSON.parse(await readFile(out, 'utf8'))
    const names: string[] = report.figures.map((f: { figure: string }) => f.figure)
    for (const expected of ['[all] async rotations to completion', '[all] sync rotate, closed loop', '[all] cooldown refusals (429)',
      '[all] replays (200)', '[all] peak RSS node dist/src/main.js (both roles)', '[all] webhook deliveries', '[split] peak RSS start:api:prod', '[split] peak RSS start:worker:prod',
      '[all, 500 rows] refusal p50', '[all, 500 rows] sync rotate, closed loop (the run-in)', '[all] burst of 64 clients: cooldown refusals (429)', '[all] burst of 256 clients: replays (200)']) {
      expect(names, stdout).toContain(expected)
    }
    for (const f of report.figures) expect(Number.isFinite(f.value), f.figure).toBe(true)
    // Rotations are compared with N, the naive endpoint, and with T beside it.
    const asyncFigure = report.figures.find((f: { figure: string }) => f.figure === '[all] async rotations to completion')
    expect([asyncFigure.baseline.name, asyncFigure.also.name]).toEqual(['N', 'T'])
    expect(Object.keys(report.all.nClosed.statuses)).toEqual(['200'])
    expect(Object.keys(report.all.nOpen.statuses)).toEqual(['200'])
    // Every request of the run was answered as the contract says: rotations 200 or 202, refusals 429, replays 200.
    expect(Object.keys(report.all.syncClosed.statuses)).toEqual(['200'])
    expect(Object.keys(report.all.refusals.statuses)).toEqual(['429'])
    expect(Object.keys(report.all.replays.statuses)).toEqual(['200'])
    // The padded phase's run-in, the same closed loop of rotations as before its latencies.
    expect(Object.keys(report.padded.syncClosed.statuses)).toEqual(['200'])
    expect(report.all.async.unfinished).toBe(0)
    // Deliveries by signing scheme: keys switched through the API, every delivery of each scheme
    // signed as that scheme signs, the last v1a one verified; compared with v1 in the same run.
    const schemes = report.deliveriesBySigningScheme
    const n = schemes.eventsPerScheme
    expect(schemes.runs.symmetric.kinds).toEqual({ 'v1+x-kash': n })
    expect(schemes.runs.asymmetric.kinds).toEqual({ v1a: n })
    expect(schemes.runs.both.kinds).toEqual({ 'v1+v1a+x-kash': n })
    expect([schemes.runs.asymmetric.v1aVerified, schemes.runs.both.v1aVerified]).toEqual([true, true])
    for (const name of ['[all] v1a deliveries (asymmetric)', '[all] v1 + v1a deliveries (both)', 'signing CPU per delivery, v1a (ed25519)']) {
      const f = report.figures.find((g: { figure: string }) => g.figure === name)
      expect(f, name).toBeDefined()
      expect(f.unexpected, name).toBeUndefined()
      expect(f.ratio, name).toBeGreaterThan(0)
    }
    expect(stdout).toContain('v1a deliveries (asymmetric)')
    expect(report.figures.some((f: { pass?: boolean }) => f.pass !== undefined)).toBe(false)
    expect(stdout).toContain('smoke: thresholds not evaluated')
  }, 600_000)
})
