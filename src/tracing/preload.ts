// Loaded with `node --import` before src/main.ts (see package.json): the SDK has to patch pg,
// node:http and fastify before anything imports them. Tracing off, it loads no SDK code at all.
import module from 'node:module'

// Node 22.1+ (the image runs 24): V8's compiled code for every module is cached on disk
// (NODE_COMPILE_CACHE or os.tmpdir()/node-compile-cache), so a restarted process skips compiling
// what it compiled before. Node 20 has no such API; an unwritable directory only leaves it off.
// Enabled before anything else here is imported, so the config module and zod are cached too.
;(module as { enableCompileCache?: () => unknown }).enableCompileCache?.()

const { ConfigError, parseTracingEnv } = await import('../config/config.js')

const tracing = (() => {
  try {
    return parseTracingEnv(process.env)
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    process.stderr.write(`${err.message}\n`)
    process.exit(1)
  }
})()
if (tracing.OTEL_EXPORTER_OTLP_ENDPOINT !== undefined) {
  const { startTracing } = await import('./tracing.js')
  await startTracing({ serviceName: tracing.OTEL_SERVICE_NAME })
}
