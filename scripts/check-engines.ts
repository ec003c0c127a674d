import { readFileSync } from 'node:fs'
import path from 'node:path'
import semver from 'semver'

// npm run check:engines: every package the lockfile installs declares support (engines.node) for
// the oldest release of each Node line this project supports (package.json engines). npm only
// warns on an engines mismatch, so a dependency that moves to "node >= 22" lands silently.
const ROOT = path.resolve(import.meta.dirname, '..')

interface LockEntry { version?: string; engines?: { node?: string } | string[]; dev?: boolean }

/** The first version of each `||` range of an engines.node field: 20.19.0, 22.13.0, 24.0.0. */
export function supportedLineMinimums (range: string): string[] {
  return range.split('||').map((part) => semver.minVersion(part.trim())!.version)
}

/** Lockfile packages whose engines.node excludes one of `nodeVersions`, with the versions excluded. */
export function enginesMismatches (lock: { packages: Record<string, LockEntry> }, nodeVersions: string[]) {
  const mismatches: Array<{ name: string; version: string; engines: string; excludes: string[]; dev: boolean }> = []
  for (const [location, entry] of Object.entries(lock.packages)) {
    const engines = Array.isArray(entry.engines) ? undefined : entry.engines?.node
    if (location === '' || engines === undefined) continue
    const excludes = nodeVersions.filter((v) => !semver.satisfies(v, engines))
    if (excludes.length > 0) mismatches.push({ name: location, version: entry.version ?? '', engines, excludes, dev: entry.dev === true })
  }
  return mismatches
}

function readJson<T> (file: string): T {
  return JSON.parse(readFileSync(path.join(ROOT, file), 'utf8')) as T
}

if (process.argv[1] === import.meta.filename) {
  const range = readJson<{ engines: { node: string } }>('package.json').engines.node
  const minimums = supportedLineMinimums(range)
  const bad = enginesMismatches(readJson('package-lock.json'), minimums)
  for (const m of bad) process.stderr.write(`${m.name}@${m.version} declares node ${m.engines}: excludes ${m.excludes.join(', ')}\n`)
  process.stdout.write(`${bad.length === 0 ? 'ok' : 'FAILED'}: engines.node of every locked package checked against ${minimums.join(', ')} (package.json: ${range})\n`)
  process.exitCode = bad.length === 0 ? 0 : 1
}
