import { randomUUID } from 'node:crypto'
import { SpanKind } from '@opentelemetry/api'
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base'
import { beforeAll, describe, expect, it } from 'vitest'
import { startTracing, stopTracing } from '../../src/tracing/tracing.js'

// The SDK starts before this file imports the helper (and with it pg, node:http and fastify), as
// the preload does in production: the instrumentations patch those modules when they load. Vitest
// runs each test file in a process of its own, so no other file is traced.
const exporter = new InMemorySpanExporter()
await startTracing({ serviceName: 'rotation-trace-test', spanProcessors: [new SimpleSpanProcessor(exporter)] })
const { buildTestContext, createTestDatabase, eventually, LEAK_PATTERN, ROTATE_PATH } = await import('../helper.js')
const { startReceiver } = await import('../fixtures/receiver.js')
const { listenOnLoopback } = await import('../fixtures/listen.js')

let databaseUrl: string
beforeAll(async () => { databaseUrl = await createTestDatabase() })

const PG_SCOPE = '@opentelemetry/instrumentation-pg'
const HTTP_SCOPE = '@opentelemetry/instrumentation-http'

/** Every span from `span` up to its root, following parent ids among the recorded spans. */
function ancestry (span: ReadableSpan, byId: Map<string, ReadableSpan>) {
  const chain = [span]
  for (let parentId = span.parentSpanContext?.spanId; parentId !== undefined;) {
    const parent = byId.get(parentId)
    if (!parent) break
    chain.push(parent)
    parentId = parent.parentSpanContext?.spanId
  }
  return chain
}

/** Every string a span carries: its name, attribute values, and its events' names and attribute values. */
function recordedText (span: ReadableSpan) {
  const values = [span.name, ...Object.values(span.attributes)]
  for (const event of span.events) values.push(event.name, ...Object.values(event.attributes ?? {}))
  return values.flat().map(String)
}

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
      const all = exporter.getFinishedSpans()
      const client = all.find((s) => s.kind === SpanKind.CLIENT && s.instrumentationScope.name === HTTP_SCOPE)
      const consumers = all.filter((s) => s.kind === SpanKind.CONSUMER)
      return client && consumers.length >= 2 ? all : undefined
    })

    const server = spans.find((s) => s.kind === SpanKind.SERVER && s.attributes['http.route'] === ROTATE_PATH)
    expect(server, 'the HTTP server span of POST /rotate').toBeDefined()
    const traceId = server!.spanContext().traceId
    const trace = spans.filter((s) => s.spanContext().traceId === traceId)
    const byId = new Map(trace.map((s) => [s.spanContext().spanId, s]))
    const rootOf = (s: ReadableSpan) => ancestry(s, byId).at(-1)

    const producers = trace.filter((s) => s.kind === SpanKind.PRODUCER)
    const consumers = trace.filter((s) => s.kind === SpanKind.CONSUMER)
    const rotationProducer = producers.find((s) => s.name.includes('webhook-secret-rotations'))
    const rotationConsumer = consumers.find((s) => s.name.includes('webhook-secret-rotations'))
    const deliveryConsumer = consumers.find((s) => s.name.includes('webhook-deliveries'))
    const webhookPost = trace.find((s) => s.kind === SpanKind.CLIENT && s.instrumentationScope.name === HTTP_SCOPE)
    expect(rotationProducer, 'the enqueue of the rotation job').toBeDefined()
    expect(rotationConsumer, 'the worker processing the rotation job').toBeDefined()
    expect(deliveryConsumer, 'the worker processing the delivery job').toBeDefined()
    expect(webhookPost, 'the webhook POST, in the same trace').toBeDefined()

    // Connected: each span reaches the server span through recorded parents, in this order.
    for (const span of [rotationProducer!, rotationConsumer!, deliveryConsumer!, webhookPost!]) expect(rootOf(span)).toBe(server)
    expect(ancestry(rotationProducer!, byId)).toContain(server)
    expect(ancestry(rotationConsumer!, byId)).toContain(rotationProducer)
    expect(ancestry(deliveryConsumer!, byId)).toContain(rotationConsumer)
    expect(ancestry(webhookPost!, byId)).toContain(deliveryConsumer)
    const workerQueries = trace.filter((s) => s.instrumentationScope.name === PG_SCOPE && ancestry(s, byId).includes(rotationConsumer!))
    expect(workerQueries.map((s) => s.attributes['db.statement'] ?? s.attributes['db.query.text']).join('\n'), 'the rotation transaction').toMatch(/update api_keys/i)

    expect(webhookPost!.attributes['http.response.status_code']).toBe(200)
    expect(webhookPost!.attributes['url.full'], 'the query of the webhook URL is not recorded').toBe(receiver.url)

    const secrets = [key.apiKey, key.webhookSecret!, newSecret, 'kept-out-of-traces', 'not-for-traces']
    // The receiver runs in this process, so its own server span (a child of the POST) is recorded
    // too; it is the customer's side and sees its own URL, so it is left out of this check.
    const ours = spans.filter((s) => !ancestry(s, byId).slice(1).includes(webhookPost!))
    if (process.env.DUMP_SPANS) console.log(JSON.stringify(ours.map((s) => ({ name: s.name, kind: s.kind, scope: s.instrumentationScope.name, attributes: s.attributes, events: s.events.map((e) => e.name) })), null, 1))
    const leaks = ours.flatMap((s) => recordedText(s).filter((v) => LEAK_PATTERN.test(v) || secrets.some((secret) => v.includes(secret))).map((v) => `${s.name}: ${v}`))
    expect(leaks, 'span attributes holding a secret, an API key or a credential').toEqual([])
    await ctx.close()
    await stopTracing()
  })
})
