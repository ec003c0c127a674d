import { register } from 'node:module'
import { NodeSDK } from '@opentelemetry/sdk-node'
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base'
import { createAddHookMessageChannel } from 'import-in-the-middle'
import type { Logger } from 'pino'
import { createInstrumentations } from './instrumentations.js'

let sdk: NodeSDK | undefined

export interface TracingOptions {
  serviceName: string
  /** Where spans go; by default the SDK's OTLP exporter, configured by the OTEL_EXPORTER_OTLP_* variables. */
  spanProcessors?: SpanProcessor[]
}

/**
 * Starts the OpenTelemetry SDK with the service's instrumentations. It must run before pg,
 * node:http and fastify are imported: the ESM hook registered here wraps only the modules the
 * instrumentations ask for, and only those imported after it. Traces only: the service's metrics
 * are Prometheus (prom-client), so the SDK's metric and log exporters stay off.
 */
export async function startTracing ({ serviceName, spanProcessors }: TracingOptions) {
  if (sdk) return sdk
  const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel()
  register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions)
  sdk = new NodeSDK({
    serviceName,
    instrumentations: createInstrumentations(),
    ...(spanProcessors ? { spanProcessors } : {}),
    metricReaders: [],
    logRecordProcessors: [],
  })
  sdk.start()
  await waitForAllMessagesAcknowledged()
  return sdk
}

/**
 * Flushes the spans still buffered and stops the SDK; a no-op when tracing is off. A collector
 * that cannot be reached costs those spans and a warning, never a failed shutdown (exit code 1).
 */
export async function stopTracing (log?: Pick<Logger, 'warn'>) {
  const running = sdk
  sdk = undefined
  try {
    await running?.shutdown()
  } catch (err) {
    log?.warn({ err }, 'tracing: the last spans could not be exported')
  }
}
