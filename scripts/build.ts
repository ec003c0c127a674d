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
// start (a CPU profile: loading modules is most of a start; Node resolves, reads and compiles
// every file of a package on its own). Every other package stays a plain import from
// node_modules: pg, which OpenTelemetry patches when it loads; those that read files next to
// themselves (Swagger UI, bull-board, @fastify/static, pino-pretty); native addons
// (msgpackr-extract); Fastify's Ajv and fast-json-stringify compilers (never loaded at start:
// src/http/lazy-default-compilers.ts); and the rest. Fastify is bundled with its dependencies and
// the plugins the API registers at start: its OpenTelemetry instrumentation attaches through
// Fastify's `fastify.initialization` diagnostics channel (src/tracing/instrumentations.ts), not by
// patching the module (the build test checks a whole trace from the built processes).
// zod and fastify-type-provider-zod go together: one zod instance (its schemas and registry).
const BUNDLED = new Set([
  'zod', 'fastify-type-provider-zod', 'bullmq', 'ioredis', 'semver', 'cron-parser', 'luxon', 'prom-client',
  // Their dependencies
  'tslib', 'standard-as-callback', 'redis-errors', '@ioredis/commands', 'cluster-key-slot', 'denque', 'debug', 'ms',
  'node-abort-controller', 'tdigest', 'bintrees',
  // prom-client's: it reads the active span for exemplars, which the service does not enable; a
  // bundled copy still shares the tracing SDK's state (kept on a global symbol per major version)
  '@opentelemetry/api',
  // Fastify and its dependencies
  'fastify', '@fastify/error', '@fastify/proxy-addr', '@fastify/forwarded', 'ipaddr.js', 'abstract-logging', 'avvio', 'fastq', 'reusify',
  'find-my-way', 'fast-deep-equal', 'fast-querystring', 'fast-decode-uri-component', 'safe-regex2', 'ret', 'light-my-request',
  'cookie', 'set-cookie-parser', 'process-warning', 'rfdc', 'secure-json-parse', 'toad-cache', 'fastify-plugin',
  // pino (the service writes JSON to stdout from this thread: no worker transport, whose files would be looked up next to pino)
  'pino', 'pino-std-serializers', 'sonic-boom', 'thread-stream', 'on-exit-leak-free', 'atomic-sleep', 'quick-format-unescaped',
  'safe-stable-stringify', '@pinojs/redact', 'real-require', 'pino-abstract-transport', 'split2',
  // The plugins the API registers at start, but @fastify/cookie: it loads `cookie` with a dynamic
  // import(), whose named exports a bundle does not give it as Node does (the build test's console
  // sign-in found a 500)
  '@fastify/csrf-protection', '@fastify/csrf', '@fastify/formbody', '@fastify/rate-limit', '@lukeed/ms', 'ip-address', '@fastify/under-pressure',
])

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
 * zod's `z.locales` re-exports its ~60 error-message translations, and a namespace import keeps
 * them all in the bundle (370 KB that every start reads and parses). The service never calls
 * `z.config(z.locales.xx())`: English, zod's default, is the only one it ships.
 */
const zodEnglishOnly: Plugin = {
  name: 'zod-english-only',
  setup (b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, () => ({ contents: 'export { default as en } from "./en.js"\n', loader: 'js' }))
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
    plugins: [externals, zodEnglishOnly, ownUrl(bundleDir)],
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
