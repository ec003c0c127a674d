import { createRequire } from 'node:module'
import type { Telemetry } from 'bullmq'
import type { BullMQOtel } from 'bullmq-otel'
import type { Config } from '../config/config.js'

// Loaded only with tracing on: with it off a start does not pay for it and @opentelemetry/api.
const loadBullMQOtel = () => (createRequire(import.meta.url)('bullmq-otel') as { BullMQOtel: typeof BullMQOtel }).BullMQOtel

/**
 * BullMQ's own spans (produce, process) for every Queue and Worker, with the trace context stored
 * in the job so the worker's spans join the request's trace. Undefined, so BullMQ does no
 * telemetry work at all, when tracing is off.
 */
export function queueTelemetry (config: Pick<Config, 'OTEL_EXPORTER_OTLP_ENDPOINT' | 'OTEL_SERVICE_NAME'>): Telemetry | undefined {
  if (config.OTEL_EXPORTER_OTLP_ENDPOINT === undefined) return undefined
  return new (loadBullMQOtel())({ tracerName: config.OTEL_SERVICE_NAME })
}
