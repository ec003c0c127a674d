import type { Telemetry } from 'bullmq'
import { BullMQOtel } from 'bullmq-otel'
import type { Config } from '../config/config.js'

/**
 * BullMQ's own spans (produce, process) for every Queue and Worker, with the trace context stored
 * in the job so the worker's spans join the request's trace. Undefined, so BullMQ does no
 * telemetry work at all, when tracing is off.
 */
export function queueTelemetry (config: Pick<Config, 'OTEL_EXPORTER_OTLP_ENDPOINT' | 'OTEL_SERVICE_NAME'>): Telemetry | undefined {
  if (config.OTEL_EXPORTER_OTLP_ENDPOINT === undefined) return undefined
  return new BullMQOtel({ tracerName: config.OTEL_SERVICE_NAME })
}
