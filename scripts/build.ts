import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync, readdirSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { parseArgs } from 'node:util'

// npm run build: tsc, then every file the compiled code reads next to itself (the console's
// stylesheet, the migrations), so dist/ mirrors the source layout and `node dist/src/main.js` finds
// them at the same relative paths as `tsx src/main.ts`. `--out-dir` builds elsewhere (the build test).
const ROOT = path.resolve(import.meta.dirname, '..')
const ASSET_DIRS = ['src', 'workers', 'migrations']

/** Copies the non-TypeScript files of ASSET_DIRS to the same paths under outDir; returns them. */
function copyAssets (outDir: string): string[] {
  const copied: string[] = []
  for (const dir of ASSET_DIRS) {
    for (const name of readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })) {
      const file = path.join(dir, name)
      if (file.endsWith('.ts') || !statSync(path.join(ROOT, file)).isFile()) continue
      mkdirSync(path.dirname(path.join(outDir, file)), { recursive: true })
      copyFileSync(path.join(ROOT, file), path.join(outDir, file))
      copied.push(file)
    }
  }
  return copied
}

const { values } = parseArgs({ options: { 'out-dir': { type: 'string', default: 'dist' } } })
const outDir = path.resolve(ROOT, values['out-dir'])
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
const compiled = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', outDir], { cwd: ROOT, stdio: 'inherit' })
if (compiled.status !== 0) process.exit(compiled.status ?? 1)
process.stdout.write(`copied ${copyAssets(outDir).length} asset files to ${path.relative(ROOT, outDir) || '.'}\n`)
