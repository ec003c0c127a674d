// Loaded with `node --import` before src/main.ts (see package.json): the SDK has to patch pg,
// node:http and fastify before anything imports them. Tracing off, it loads no SDK code at all.
import { ConfigError, parseTracingEnv } from '../config/config.js'

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
