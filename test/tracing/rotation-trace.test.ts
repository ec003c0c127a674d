import { randomUUID } from 'node:crypto'
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { beforeAll, describe, expect, it } from 'vitest'
import { startTracing, stopTracing } from '../../src/tracing/tracing.js'

// The SDK starts before this file imports the helper (and with it pg, node:http and fastify), as
// the preload does in production: the instrumentations patch those modules when they load. Vitest
// runs each test file in a process of its own, so no other file is traced.
const exporter = new InMemorySpanExporter()
await startTracing({ serviceName: 'rotation-trace-test', spanProcessors: [new SimpleSpanProcessor(exporter)] })
const { buildTestContext, createTestDatabase, eventually, ROTATE_PATH } = await import('../helper.js')
const { startReceiver } = await import('../fixtures/receiver.js')
const { listenOnLoopback } = await import('../fixtures/listen.js')
const { expectRotationTrace, fromReadableSpan, leakedTexts, rotationTraceRecorded } = await import('../fixtures/traces.js')

let databaseUrl: string
beforeAll(async () => { databaseUrl = await createTestDatabase() })

describe('tracing a rotation', () => {
  it('shows one connected trace from POST /rotate through the enqueue, the worker, its queries and the webhook POST, with no secret in any span', async () => {
    const receiver = await startReceiver()
    const ctx = await buildTestContext({
      databaseUrl,
      // Tracing on: the endpoint is never called here, the SDK above sends spans to memory.
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true' },
    })
    const baseUrl = await listenOnLoopback(ctx)
    const key = await ctx.createKey({ webhookUrl: `${receiver.url}?token=kept-out-of-traces` })
    exporter.reset()

    const res = await fetch(`${baseUrl}${ROTATE_PATH}`, {
      method: 'POST',
      headers: { 'x-api-key': key.apiKey, 'idempotency-key': randomUUID(), authorization: 'Bearer not-for-traces', cookie: 'session=not-for-traces' },
    })
    expect(res.status).toBe(200)
    const newSecret = ((await res.json()) as { webhookSecret: { secret: string } }).webhookSecret.secret
    await receiver.waitFor(1)

    // The delivery's client span ends when the answer arrives; its job's process span after that.
    const spans = await eventually(async () => {
      const all = exporter.getFinishedSpans().map(fromReadableSpan)
      return rotationTraceRecorded(all, ROTATE_PATH) ? all : undefined
    })
    const { webhookPost } = expectRotationTrace(spans, ROTATE_PATH)
    expect(webhookPost.attributes['http.response.status_code']).toBe(200)
    expect(webhookPost.attributes['url.full'], 'the query of the webhook URL is not recorded').toBe(receiver.url)
    expect(leakedTexts(spans, webhookPost, [key.apiKey, key.webhookSecret!, newSecret, 'kept-out-of-traces', 'not-for-traces']),
      'span attributes holding a secret, an API key or a credential').toEqual([])
    await ctx.close()
    await stopTracing()
  })
})
