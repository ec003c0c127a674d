import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { queueTelemetry } from '../../src/tracing/queue-telemetry.js'

const run = promisify(execFile)

/** The way npm start and the development scripts start the service: tsx, then the tracing preload (the image runs the compiled preload: test/scripts/build.test.ts). */
async function probe (env: Record<string, string>) {
  const { OTEL_EXPORTER_OTLP_ENDPOINT: _, ...rest } = process.env
  return run(process.execPath, ['--import', 'tsx', '--import', './src/tracing/preload.ts', 'test/fixtures/tracing-probe.ts'], { env: { ...rest, ...env } })
}

describe('the tracing preload', () => {
  it('starts no SDK and instruments nothing when OTEL_EXPORTER_OTLP_ENDPOINT is unset', async () => {
    const { stdout } = await probe({})
    expect(JSON.parse(stdout)).toEqual({ recording: false, httpInstrumented: false })
  })

  it('records spans and instruments node:http before the service imports it when OTEL_EXPORTER_OTLP_ENDPOINT is set', async () => {
    // Nothing listens there: the probe exits before the exporter's first batch is due.
    const { stdout } = await probe({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' })
    expect(JSON.parse(stdout)).toEqual({ recording: true, httpInstrumented: true })
  })

  it('refuses to start with an endpoint that is not a URL, naming the variable', async () => {
    const failure = await probe({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }).then(() => undefined, (err: { code: number; stderr: string }) => err)
    expect(failure?.code).toBe(1)
    expect(failure?.stderr).toMatch(/OTEL_EXPORTER_OTLP_ENDPOINT: must be an http\(s\) URL/)
  })
})

describe('BullMQ telemetry', () => {
  it('is given to queues and workers only when tracing is on', () => {
    expect(queueTelemetry({ OTEL_EXPORTER_OTLP_ENDPOINT: undefined, OTEL_SERVICE_NAME: 'svc' })).toBeUndefined()
    expect(queueTelemetry({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_SERVICE_NAME: 'svc' })).toBeDefined()
  })
})
