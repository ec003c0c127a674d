// `npm run bench:timeline`: where a synchronous rotation's time goes, hop by hop. Starts the service
// the production way (an API and a worker process from dist/, bench/lib/service.ts) with tracing on,
// exporting to an OTLP/HTTP JSON receiver in this process; sends `--count` rotates (each on its own
// key) at `--rate` per second, open loop; then prints, for every span name seen in at least half of
// the rotations' traces, the median offset from the request's start and the median duration. The
// rotate's trace covers the API's statements, the BullMQ hop, the worker's transaction, the
// commit notification's wake-up and the answer, and then the rotation's webhook delivery.
// Tracing costs time of its own (every span is recorded and exported): read the hops against each
// other, not as the untraced latency, which `npm run bench` measures. OpenTelemetry's JS SDK stamps
// a span's start from Date.now() (whole milliseconds) and its duration from the monotonic clock: the
// offsets are to the millisecond, the durations finer. Options: --rate (10),
// --count (200), --topology split|all (split), --database-url / --redis-url.
import { randomUUID } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { seedKeys, startInfra } from './lib/infra.js'
import { ROTATE_PATH } from './lib/phases.js'
import { startReceiver } from './lib/receiver.js'
import { buildService, startService, type Topology } from './lib/service.js'
import { summarize } from './lib/stats.js'

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '10' },
    count: { type: 'string', default: '200' },
    topology: { type: 'string', default: 'split' },
    'database-url': { type: 'string' },
    'redis-url': { type: 'string' },
  },
})
const rate = Number(values.rate)
const count = Number(values.count)
const WARM_UP = 50

interface Span { traceId: string; parentSpanId?: string; name: string; service: string; startMs: number; endMs: number }

interface Attribute { key: string; value: { stringValue?: string; arrayValue?: { values?: { stringValue?: string }[] } } }

/** The process' role, from the resource's `process.command_args` (`--role api`): both roles share a service name. */
function roleOf (attributes: Attribute[]) {
  const args = attributes.find((a) => a.key === 'process.command_args')?.value.arrayValue?.values?.map((v) => v.stringValue) ?? []
  return args[args.indexOf('--role') + 1] ?? attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '?'
}

/** An OTLP/HTTP JSON trace receiver keeping what a timeline needs: names, services and times. */
async function startCollector () {
  const spans: Span[] = []
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { resourceSpans?: { resource?: { attributes?: Attribute[] }; scopeSpans?: { spans?: { traceId: string; parentSpanId?: string; name: string; startTimeUnixNano: string; endTimeUnixNano: string }[] }[] }[] }
      for (const rs of body.resourceSpans ?? []) {
        const service = roleOf(rs.resource?.attributes ?? [])
        for (const s of (rs.scopeSpans ?? []).flatMap((ss) => ss.spans ?? [])) {
          spans.push({ traceId: s.traceId, parentSpanId: s.parentSpanId || undefined, name: s.name, service, startMs: Number(BigInt(s.startTimeUnixNano) / 1000n) / 1000, endMs: Number(BigInt(s.endTimeUnixNano) / 1000n) / 1000 })
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, spans, close: () => server.close() }
}

buildService()
const infra = await startInfra({ databaseUrl: values['database-url'], redisUrl: values['redis-url'] })
const pool = new pg.Pool({ connectionString: infra.databaseUrl, max: 2 })
const receiver = await startReceiver()
const collector = await startCollector()
const service = await startService(values.topology as Topology, {
  DATABASE_URL: infra.databaseUrl,
  REDIS_URL: infra.redisUrl,
  API_KEY_PEPPER: infra.pepper,
  SECRET_ENCRYPTION_KEYS: infra.encryptionKeys,
  QUEUE_PREFIX: `{timeline-${randomUUID().slice(0, 8)}}`,
  LOG_LEVEL: 'warn',
  WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true',
  OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
  OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
  OTEL_BSP_SCHEDULE_DELAY: '200',
  OTEL_BSP_MAX_QUEUE_SIZE: '100000',
})
try {
  const keys = await seedKeys(pool, infra, count + WARM_UP, receiver.url)
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 })
  const rotate = (apiKey: string) => new Promise<number>((resolve, reject) => {
    const started = performance.now()
    const req = http.request(`${service.origin}${ROTATE_PATH}`, { method: 'POST', agent, headers: { 'x-api-key': apiKey, 'idempotency-key': randomUUID() } }, (res) => {
      res.resume()
      res.on('end', () => res.statusCode === 200 ? resolve(performance.now() - started) : reject(new Error(`rotate answered ${res.statusCode}`)))
    })
    req.on('error', reject)
    req.end()
  })
  for (const key of keys.slice(0, WARM_UP)) await rotate(key.apiKey)
  // The warm-up's deliveries and spans out of the way.
  while (receiver.received() < WARM_UP) await new Promise((resolve) => setTimeout(resolve, 50))
  await new Promise((resolve) => setTimeout(resolve, 500))
  collector.spans.length = 0

  const latencies: number[] = []
  const sent: Promise<void>[] = []
  const start = performance.now()
  for (const [i, key] of keys.slice(WARM_UP).entries()) {
    const wait = start + (i * 1000) / rate - performance.now()
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
    sent.push(rotate(key.apiKey).then((ms) => { latencies.push(ms) }))
  }
  await Promise.all(sent)
  // The deliveries follow the answers, and the exporters send every 200 ms.
  await new Promise((resolve) => setTimeout(resolve, 3000))

  const byTrace = new Map<string, Span[]>()
  for (const s of collector.spans) byTrace.set(s.traceId, [...(byTrace.get(s.traceId) ?? []), s])
  const rows = new Map<string, { offsets: number[]; durations: number[] }>()
  let traces = 0
  for (const spans of byTrace.values()) {
    const root = spans.find((s) => s.parentSpanId === undefined && s.name.startsWith('POST '))
    if (!root) continue
    traces++
    // A name seen twice in one trace (a second pool checkout) is numbered in the order it started.
    const seen = new Map<string, number>()
    for (const s of spans.sort((a, b) => a.startMs - b.startMs)) {
      const name = `${s.service}: ${s.name}`
      const n = (seen.get(name) ?? 0) + 1
      seen.set(name, n)
      const row = rows.get(n > 1 ? `${name} (${n})` : name) ?? { offsets: [], durations: [] }
      row.offsets.push(s.startMs - root.startMs)
      row.durations.push(s.endMs - s.startMs)
      rows.set(n > 1 ? `${name} (${n})` : name, row)
    }
  }
  const median = (xs: number[]) => summarize(xs, 0, {}).p50
  const client = summarize(latencies, 0, {})
  console.log(`${latencies.length} rotates at ${rate}/s (open loop, ${values.topology}), traced: p50 ${client.p50.toFixed(1)} ms, p99 ${client.p99.toFixed(1)} ms; ${traces} traces`)
  console.log('  start   took  span (median ms from the request\'s start; in at least half of the traces)')
  const lines = [...rows.entries()].filter(([, r]) => r.offsets.length >= traces / 2)
    .map(([name, r]) => ({ name, offset: median(r.offsets), took: median(r.durations) }))
    .sort((a, b) => a.offset - b.offset)
  for (const l of lines) console.log(`${l.offset.toFixed(1).padStart(7)} ${l.took.toFixed(2).padStart(6)}  ${l.name}`)
} finally {
  await service.stop()
  collector.close()
  await receiver.stop()
  await pool.end()
  await infra.stop()
}
