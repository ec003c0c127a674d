import { execFileSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'

// Processes the tests spawn (API, worker, the rotate command's imports) load the workspace packages
// from their dist/; a package whose sources changed since its last build is built before any test.
const ROOT = path.resolve(import.meta.dirname, '..')

function newestMtime (dir: string): number {
  let newest = 0
  for (const name of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    newest = Math.max(newest, statSync(path.join(dir, name)).mtimeMs)
  }
  return newest
}

function isStale (pkg: string) {
  const dist = path.join(pkg, 'dist')
  try {
    return newestMtime(path.join(pkg, 'src')) > newestMtime(dist)
  } catch {
    return true // no dist/ yet
  }
}

export default function setup () {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
  for (const name of readdirSync(path.join(ROOT, 'packages'))) {
    const pkg = path.join(ROOT, 'packages', name)
    if (isStale(pkg)) execFileSync(process.execPath, [tsc, '-p', path.join(pkg, 'tsconfig.json')], { stdio: 'inherit' })
  }
}
