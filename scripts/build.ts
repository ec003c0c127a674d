import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { build, type Plugin } from 'esbuild'

// npm run build: tsc, then every file the compiled code reads next to itself (the console's
// stylesheet, the migrations), so dist/ mirrors the source layout and `node dist/src/main.js` finds
// them at the same relative paths as `tsx src/main.ts`; then the two production entry points are
// bundled (bundleEntries). `--out-dir` builds elsewhere (the build test).
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

// The production entry points (start:*:prod, the Dockerfile CMD): bundled, see bundleEntries.
const ENTRIES = ['src/main.js', 'src/tracing/preload.js']
// Packages bundled into the entry points: pure JavaScript, many files each, and loaded by every
// start (a CPU profile: loading modules is most of a start). Every other package stays a plain
// import from node_modules: those OpenTelemetry patches when they load (pg, fastify), those that
// read files next to themselves (Swagger UI, bull-board, @fastify/static, pino's transports),
// native addons (msgpackr-extract), @opentelemetry/api (one global instance), and the rest.
// zod and fastify-type-provider-zod go together: one zod instance (its schemas and registry).
const BUNDLED = new Set(['zod', 'fastify-type-provider-zod', 'bullmq', 'ioredis', 'semver', 'cron-parser', 'luxon', 'prom-client'])

/** Keeps every package not in BUNDLED external (resolved from node_modules at run time). */
const externals: Plugin = {
  name: 'externals',
  setup (b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:')) return { external: true }
      const name = args.path.startsWith('@') ? args.path.split('/').slice(0, 2).join('/') : args.path.split('/')[0]!
      return BUNDLED.has(name) ? undefined : { external: true }
    })
  },
}

/**
 * Code that finds files next to itself (the migrations, the console's stylesheet, createRequire)
 * keeps finding them: each compiled file's `import.meta.url` becomes its own place in the build
 * output (where tsc left it), not the bundle chunk's.
 */
function ownUrl (bundleDir: string): Plugin {
  return {
    name: 'own-import-meta-url',
    setup (b) {
      b.onLoad({ filter: /\.js$/ }, (args) => {
        if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined
        const source = readFileSync(args.path, 'utf8')
        if (!source.includes('import.meta.url')) return undefined
        const relative = path.relative(bundleDir, args.path).split(path.sep).join('/')
        return { contents: source.replaceAll('import.meta.url', `new URL(${JSON.stringify(relative)}, import.meta.url).href`), loader: 'js' }
      })
    },
  }
}

/**
 * Bundles the two production entry points (tsc's output, as tested) into outDir/src/bundle/, with
 * the chunks they share, and turns outDir/src/main.js and tracing/preload.js into one-line imports
 * of them, so the start command stays the same. Node then loads a few files instead of ~1,000 (a
 * worker start: ~600 before, see docs/performance.md); the other compiled files (healthcheck, CLIs)
 * stay as tsc wrote them. Bundled CommonJS gets `require`, `__filename` and `__dirname` from the banner.
 */
async function bundleEntries (outDir: string) {
  const bundleDir = path.join(outDir, 'src', 'bundle')
  rmSync(bundleDir, { recursive: true, force: true })
  await build({
    entryPoints: Object.fromEntries(ENTRIES.map((entry) => [path.basename(entry, '.js'), path.join(outDir, entry)])),
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outdir: bundleDir,
    chunkNames: 'chunk-[hash]',
    logLevel: 'warning',
    plugins: [externals, ownUrl(bundleDir)],
    banner: {
      js: [
        "import { createRequire as __bundleRequire } from 'node:module'",
        "import { fileURLToPath as __bundlePath } from 'node:url'",
        'const require = __bundleRequire(import.meta.url)',
        'const __filename = __bundlePath(import.meta.url)',
        "const __dirname = __bundlePath(new URL('.', import.meta.url))",
      ].join('; '),
    },
  })
  for (const entry of ENTRIES) {
    const target = path.join(outDir, entry)
    const bundled = path.relative(path.dirname(target), path.join(bundleDir, path.basename(entry))).split(path.sep).join('/')
    writeFileSync(target, `// Bundled by scripts/build.ts; ${path.basename(entry, '.js')}.ts is the source.\nimport ${JSON.stringify(bundled.startsWith('.') ? bundled : `./${bundled}`)}\n`)
  }
}

const { values } = parseArgs({ options: { 'out-dir': { type: 'string', default: 'dist' } } })
const outDir = path.resolve(ROOT, values['out-dir'])
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
const compiled = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', outDir], { cwd: ROOT, stdio: 'inherit' })
if (compiled.status !== 0) process.exit(compiled.status ?? 1)
process.stdout.write(`copied ${copyAssets(outDir).length} asset files to ${path.relative(ROOT, outDir) || '.'}\n`)
await bundleEntries(outDir)
process.stdout.write(`bundled ${ENTRIES.join(', ')} into ${path.relative(ROOT, path.join(outDir, 'src', 'bundle'))}\n`)
