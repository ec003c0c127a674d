import type { RequestOptions } from 'node:http'
import { FastifyOtelInstrumentation } from '@fastify/otel'
import type { Instrumentation } from '@opentelemetry/instrumentation'
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http'
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg'

// Probes and scrapes every few seconds would bury the traces worth reading.
const UNTRACED_PATHS = new Set(['/metrics', '/v1/health', '/v1/ready'])

/**
 * A customer's webhook URL may carry a token in its query or user info; the span keeps the
 * origin and path only.
 */
export function outgoingUrl (request: RequestOptions): string {
  const protocol = request.protocol ?? 'http:'
  const host = request.hostname ?? request.host ?? 'localhost'
  const port = request.port ? `:${request.port}` : ''
  const path = (request.path ?? '/').split('?')[0]
  return `${protocol}//${host.includes(':') ? `[${host}]` : host}${port}${path}`
}

/**
 * What the service traces: Fastify's request lifecycle (under the HTTP server span), Postgres
 * queries (statement text only: enhancedDatabaseReporting, which would add parameter values, stays
 * off) and outgoing HTTP (the webhook POST). No header is recorded: none is listed in
 * headersToSpanAttributes, so X-API-Key, Authorization and Cookie never reach a span.
 */
export function createInstrumentations (): Instrumentation[] {
  return [
    new HttpInstrumentation({
      ignoreIncomingRequestHook: (req) => UNTRACED_PATHS.has((req.url ?? '').split('?')[0]!),
      startOutgoingSpanHook: (request) => ({ 'url.full': outgoingUrl(request) }),
    }),
    new PgInstrumentation({
      enhancedDatabaseReporting: false,
      // Interval tasks (reconciler, sweeper) poll all the time; their queries alone are not a trace.
      requireParentSpan: true,
    }),
    // Registered through Fastify's initialization diagnostics channel, so no app code changes.
    new FastifyOtelInstrumentation({
      registerOnInitialization: true,
      ignorePaths: ({ url }) => UNTRACED_PATHS.has(url),
    }) as unknown as Instrumentation,
  ]
}
