// `npm run bench`: how close rotations come to what Postgres allows, every figure a ratio to a
// baseline measured in the same run. Options: see OPTIONS below; docs/performance.md.
import { randomUUID } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import pg from 'pg'
import { deliveryThroughput } from './lib/deliveries.js'
import { padTables, seedKeys, startInfra, type BenchKey } from './lib/infra.js'
import { asyncRotations, baselineF, baselineN, baselineT, cycle, deliveriesSettled, rotateItem, warmUp, type PhaseOptions } from './lib/phases.js'
import { figure, machine, printTable, type Figure } from './lib/report.js'
import { runLoad } from './lib/load-client.js'
import { startReceiver } from './lib/receiver.js'
import { schemeDeliveries, signingCost, switchSchemes, unexpectedDeliveries } from './lib/signing-schemes.js'
import { buildService, startService, type Topology } from './lib/service.js'
import { ratePer, unexpectedAnswers, type RunStats } from './lib/stats.js'

const OPTIONS = {
  duration: { type: 'string', default: '8' }, // seconds per measured phase
  concurrency: { type: 'string', default: '32' },
  pad: { type: 'string', default: '1000000' }, // rows per table for the scale phase (0 skips it)
  deliveries: { type: 'string', default: '2000' },
  topologies: { type: 'string', default: 'all,split' },
  'database-url': { type: 'string' }, // a server to create the bench database on (default: embedded Postgres)
  'redis-url': { type: 'string' }, // default: a private redis-server
  out: { type: 'string', default: 'bench/results/latest.json' },
  env: { type: 'string', multiple: true, default: [] as string[] }, // extra service env, KEY=VALUE
  smoke: { type: 'boolean', default: false }, // a few seconds, small padding, no thresholds (CI)
  profile: { type: 'string' }, // a folder: run the service under node --cpu-prof, profiles written there
} satisfies ParseArgsConfig['options']
const { values } = parseArgs({ options: OPTIONS })
const smoke = values.smoke
const o: PhaseOptions = { concurrency: smoke ? 4 : Number(values.concurrency), durationMs: (smoke ? 0.4 : Number(values.duration)) * 1000 }
const padRows = smoke ? 500 : Number(values.pad)
const deliveryCount = smoke ? 20 : Number(values.deliveries)
const topologies = values.topologies.split(',') as Topology[]

buildService()
const infra = await startInfra({ databaseUrl: await benchDatabase(values['database-url']), redisUrl: values['redis-url'] })
// A failed run still stops the Postgres and redis-server it started.
process.on('uncaughtException', (err) => { console.error(err); infra.stop().finally(() => process.exit(1)) })
process.on('unhandledRejection', (err) => { console.error(err); infra.stop().finally(() => process.exit(1)) })
const pool = new pg.Pool({ connectionString: infra.databaseUrl, max: 4 })
const receiver = await startReceiver()
const prefix = `{bench-${randomUUID().slice(0, 8)}}`
const serviceEnv: Record<string, string> = {
  DATABASE_URL: infra.databaseUrl,
  REDIS_URL: infra.redisUrl,
  API_KEY_PEPPER: infra.pepper,
  SECRET_ENCRYPTION_KEYS: infra.encryptionKeys,
  QUEUE_PREFIX: prefix,
  LOG_LEVEL: 'warn',
  // The bench rotates each key once and then hammers it: a long cooldown, no per-key rate limit.
  ROTATION_COOLDOWN_SECONDS: '3600',
  RATE_LIMIT_PER_MINUTE: '1000000000',
  WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true',
  ...Object.fromEntries(values.env.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])),
}
const keys = (n: number) => seedKeys(pool, infra, Math.max(1, Math.ceil(n)), receiver.url)
const figures: Figure[] = []
const evaluate = !smoke
const json: Record<string, unknown> = { machine: machine(), options: { ...o, padRows, deliveryCount, topologies, smoke }, startedAt: new Date().toISOString() }

function log (msg: string) { process.stderr.write(`[bench] ${msg}\n`) }

async function benchDatabase (serverUrl: string | undefined) {
  if (!serverUrl) return undefined
  const name = `bench_${randomUUID().replaceAll('-', '').slice(0, 12)}`
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  await admin.query(`create database ${name}`)
  await admin.end()
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return url.toString()
}

// Each baseline runs right before the figures compared with it, so a machine whose load changes
// during the run (shared CI runners) skews both alike. T bounds what Postgres allows a rotation,
// N is what a user would build instead of this service, F what an authenticated read can answer.
// T and N each rotate keys of their own, again and again (they have no cooldown).
const tKeys = await keys(Math.max(200, o.concurrency * 8))
const nKeys = await keys(Math.max(200, o.concurrency * 8))
const fKeys = await keys(2000)
const baselineEnv = { DATABASE_URL: infra.databaseUrl, API_KEY_PEPPER: infra.pepper, SECRET_ENCRYPTION_KEYS: infra.encryptionKeys }
const measureT = (rate?: number) => baselineT(infra.databaseUrl, tKeys.map((k) => k.id), { ...o, rate, expected: (rate ?? 20_000) * o.durationMs / 1000 })
const measureN = (rate?: number) => baselineN(baselineEnv, nKeys, { ...o, rate, expected: (rate ?? 20_000) * o.durationMs / 1000 })
const measureF = (p: PhaseOptions) => baselineF(baselineEnv, fKeys, { ...p, expected: 30_000 * p.durationMs / 1000 })
const perKeyBudget = (rate: number, p: PhaseOptions = o) => rate * 1.5 * p.durationMs / 1000 + 2 * p.concurrency
// Bursts of keep-alive clients on refusals and replays, a couple of seconds each.
const BURSTS = [64, 256]
const burstMs = Math.min(o.durationMs, 2000)

interface Rotated { key: BenchKey; idem: string }
interface Answers { f: RunStats; refusals: RunStats; replays: RunStats }
interface LatencyRun extends Answers { syncOpen: RunStats; tOpen: RunStats; nOpen: RunStats; rate: number }

/** F, then cooldown refusals (a new Idempotency-Key) and replays (the finished one) on `rotated`, each at `p`'s concurrency. */
async function refusalsAndReplays (origin: string, rotated: Rotated[], p: PhaseOptions): Promise<Answers> {
  const f = await measureF(p)
  const expected = perKeyBudget(f.perSecond, p)
  const refusals = await runLoad({ kind: 'http', origin, items: cycle(rotated, expected).map((s) => rotateItem(s.key, randomUUID(), false)), ...p })
  const replays = await runLoad({ kind: 'http', origin, items: cycle(rotated, expected).map((s) => rotateItem(s.key, s.idem, false)), ...p })
  return { f, refusals, replays }
}

/**
 * Sync open loop at `rate` (with T's and N's open loops at the same rate), then F, refusals and
 * replays on the keys it rotated; those keys too, for the bursts.
 */
async function latencies (origin: string, rate: number): Promise<{ run: LatencyRun; rotated: Rotated[] }> {
  const openKeys = await keys(rate * o.durationMs / 1000 + 1)
  const syncItems = openKeys.map((k) => ({ key: k, idem: randomUUID() }))
  log(`sync open loop at ${rate.toFixed(0)}/s, and T and N at that rate`)
  const syncOpen = await runLoad({ kind: 'http', origin, items: syncItems.map((s) => rotateItem(s.key, s.idem, false)), ...o, rate })
  const tOpen = await measureT(rate)
  const nOpen = await measureN(rate)
  log('F, refusals, replays')
  // Only the keys the open loop rotated (it sends floor(rate × duration) requests).
  syncItems.splice(syncOpen.count)
  return { run: { syncOpen, tOpen, nOpen, ...await refusalsAndReplays(origin, syncItems, o), rate }, rotated: syncItems }
}

/**
 * Issue 21's cost of v1a: deliveries of keys switched to asymmetric and to both through the API,
 * against keys that stay symmetric (v1), in mirrored rounds; then the signatures' own CPU cost
 * per delivery in this process, the service idle.
 */
async function deliveriesBySigningScheme (origin: string, t: string): Promise<Figure[]> {
  log('deliveries by signing scheme: v1, v1a and both, in mirrored rounds')
  const perSet = Math.min(200, deliveryCount)
  const sets = { symmetric: await keys(perSet), asymmetric: await keys(perSet), both: await keys(perSet) }
  const publicKeys = new Map([...await switchSchemes(origin, sets.asymmetric, 'asymmetric'), ...await switchSchemes(origin, sets.both, 'both')])
  const runs = await schemeDeliveries(pool, { redisUrl: infra.redisUrl, prefix, count: deliveryCount, receiver, sets, publicKeys })
  const cost = signingCost(smoke ? 50 : 1000)
  json.deliveriesBySigningScheme = { ...runs, signingCostMicroseconds: cost }
  const v1 = { name: 'v1 deliveries', value: runs.runs.symmetric.perSecond }
  const hmac = { name: 'v1 (HMAC)', value: cost.symmetric }
  return [
    figure({ figure: `${t} v1a deliveries (asymmetric)`, value: runs.runs.asymmetric.perSecond, unit: '/s', baseline: v1, unexpected: unexpectedDeliveries('asymmetric', runs.runs.asymmetric, runs.eventsPerScheme) }),
    figure({ figure: `${t} v1 + v1a deliveries (both)`, value: runs.runs.both.perSecond, unit: '/s', baseline: v1, unexpected: unexpectedDeliveries('both', runs.runs.both, runs.eventsPerScheme) }),
    figure({ figure: `${t} v1 deliveries (symmetric) beside them`, value: runs.runs.symmetric.perSecond, unit: '/s', unexpected: unexpectedDeliveries('symmetric', runs.runs.symmetric, runs.eventsPerScheme) }),
    figure({ figure: 'signing CPU per delivery, v1a (ed25519)', value: cost.asymmetric, unit: 'µs', baseline: hmac }),
    figure({ figure: 'signing CPU per delivery, both', value: cost.both, unit: 'µs', baseline: hmac }),
  ]
}

const before: Record<string, LatencyRun> = {}
// Each topology's sync closed loop: the padded phase's run-in is reported against it.
const closedBefore: Record<string, RunStats> = {}
for (const topology of topologies) {
  log(`service: ${topology === 'all' ? 'node dist/src/main.js (both roles)' : 'start:api:prod + start:worker:prod'}`)
  const service = await startService(topology, serviceEnv, values.profile)
  try {
    await warmUp(service.origin, await keys(50), o.concurrency)
    log('T and N closed loops, async rotations, sync closed loop')
    const tClosed = await measureT()
    const nClosed = await measureN()
    const asyncKeys = await keys(perKeyBudget(tClosed.perSecond))
    const asyncRun = await asyncRotations(pool, service.origin, asyncKeys, o)
    const syncKeys = await keys(perKeyBudget(tClosed.perSecond))
    const syncClosed = await runLoad({ kind: 'http', origin: service.origin, items: syncKeys.map((k) => rotateItem(k, randomUUID(), false)), ...o })
    const { run, rotated } = await latencies(service.origin, Math.max(1, ratePer(syncClosed, '200') / 2))
    before[topology] = run
    closedBefore[topology] = syncClosed
    log(`bursts of ${BURSTS.join(' and ')} clients: F, refusals, replays`)
    const bursts: (Answers & { concurrency: number })[] = []
    for (const concurrency of BURSTS) bursts.push({ concurrency, ...await refusalsAndReplays(service.origin, rotated, { concurrency, durationMs: burstMs }) })
    const rss = service.peakRssMiB()
    json[topology] = { tClosed, nClosed, async: asyncRun, syncClosed, ...run, bursts, peakRssMiB: rss }
    for (const [name, stats] of [['N closed', nClosed], ['N open', run.nOpen]] as const) {
      if (unexpectedAnswers(stats, '200')) log(`${name} answered ${unexpectedAnswers(stats, '200')}: its figures count only its 200s`)
    }
    const t = `[${topology}]`
    // Rotations: the target against N, T beside it. Answers: against F at the same concurrency.
    const nRate = ratePer(nClosed, '200')
    const open = `at ${run.rate.toFixed(0)}/s (open, ${run.syncOpen.count} requests)`
    const answers = (label: string, a: Answers) => [
      figure({ figure: `${t} ${label}cooldown refusals (429)`, value: ratePer(a.refusals, '429'), unexpected: unexpectedAnswers(a.refusals, '429'), unit: '/s', baseline: { name: 'F', value: a.f.perSecond }, target: '≥ 0.7× F' }, (f) => f.ratio! >= 0.7, evaluate),
      figure({ figure: `${t} ${label}replays (200)`, value: ratePer(a.replays, '200'), unexpected: unexpectedAnswers(a.replays, '200'), unit: '/s', baseline: { name: 'F', value: a.f.perSecond }, target: '≥ 0.7× F' }, (f) => f.ratio! >= 0.7, evaluate),
    ]
    figures.push(
      figure({ figure: `${t} async rotations to completion`, value: asyncRun.perSecond, unit: '/s', baseline: { name: 'N', value: nRate }, also: { name: 'T', value: tClosed.perSecond }, target: '≥ 0.5× N', unexpected: unexpectedAnswers(asyncRun.submitted, '202') }, (f) => f.ratio! >= 0.5, evaluate),
      figure({ figure: `${t} sync rotate, closed loop`, value: ratePer(syncClosed, '200'), unexpected: unexpectedAnswers(syncClosed, '200'), unit: '/s', baseline: { name: 'N', value: nRate }, also: { name: 'T', value: tClosed.perSecond }, target: '≥ 0.5× N' }, (f) => f.ratio! >= 0.5, evaluate),
      figure({ figure: `${t} sync p50 ${open}`, value: run.syncOpen.p50, unexpected: unexpectedAnswers(run.syncOpen, '200'), unit: 'ms', baseline: { name: 'N p50', value: run.nOpen.p50 }, also: { name: 'T p50', value: run.tOpen.p50 }, target: '≤ 2× N p50' }, (f) => f.ratio! <= 2, evaluate),
      figure({ figure: `${t} sync p99 ${open}`, value: run.syncOpen.p99, unexpected: unexpectedAnswers(run.syncOpen, '200'), unit: 'ms', baseline: { name: 'N p99', value: run.nOpen.p99 }, also: { name: 'T p99', value: run.tOpen.p99 }, target: '≤ 2× N p99' }, (f) => f.ratio! <= 2, evaluate),
      ...answers('', run),
      // A 503 is not an expected answer: it fails the figure and is shown beside it.
      ...bursts.flatMap((b) => answers(`burst of ${b.concurrency} clients: `, b)),
      ...Object.entries(rss).map(([script, mib]) => figure({ figure: `${t} peak RSS ${script === 'all' ? 'node dist/src/main.js (both roles)' : `start:${script}:prod`}`, value: mib, unit: 'MiB', target: '≤ 200 MiB' }, (f) => f.value <= 200, evaluate))
    )
    if (topology === topologies[0]) {
      log('deliveries')
      await deliveriesSettled(pool)
      const d = await deliveryThroughput(pool, { redisUrl: infra.redisUrl, prefix, keys: asyncKeys, count: deliveryCount, concurrency: 10, receiverUrl: receiver.url })
      json.deliveries = d
      figures.push(figure({ figure: `${t} webhook deliveries`, value: d.perSecond, unit: '/s', baseline: { name: 'signed POSTs', value: d.bare.perSecond } }))
      figures.push(...await deliveriesBySigningScheme(service.origin, t))
    }
  } finally {
    await service.stop()
  }
}

if (padRows > 0) {
  const topology = topologies[0]!
  log(`padding every table to ${padRows} rows`)
  const padStarted = performance.now()
  await padTables(pool, padRows)
  json.padSeconds = (performance.now() - padStarted) / 1000
  const service = await startService(topology, serviceEnv, values.profile)
  try {
    await warmUp(service.origin, await keys(50), o.concurrency)
    // The unpadded latencies were measured by a service that had already run closed loops of
    // rotations for seconds (its JIT, its pools and Postgres' caches warm); a new one measured
    // after 50 rotations was up to 1.47x slower on the same rows (docs/performance.md, "1M rows").
    // The same run-in here: a closed loop of sync rotations, reported beside the unpadded one.
    const runIn = await runLoad({ kind: 'http', origin: service.origin, items: (await keys(perKeyBudget(ratePer(closedBefore[topology]!, '200')))).map((k) => rotateItem(k, randomUUID(), false)), ...o })
    const pre = before[topology]!
    const { run: after } = await latencies(service.origin, pre.rate)
    json.padded = { topology, rows: padRows, syncClosed: runIn, ...after, peakRssMiB: service.peakRssMiB() }
    const t = `[${topology}, ${padRows} rows]`
    const vsBefore = (name: string, now: RunStats, was: RunStats, status: string) => figure({
      figure: `${t} ${name}`, value: now.p50, unit: 'ms', baseline: { name: 'before', value: was.p50 }, target: '≤ 1.3× before', unexpected: unexpectedAnswers(now, status),
    }, (f) => f.ratio! <= 1.3, evaluate)
    figures.push(
      vsBefore('sync p50 (open)', after.syncOpen, pre.syncOpen, '200'),
      vsBefore('refusal p50', after.refusals, pre.refusals, '429'),
      vsBefore('replay p50', after.replays, pre.replays, '200'),
      figure({ figure: `${t} sync p99 (open)`, value: after.syncOpen.p99, unit: 'ms', baseline: { name: 'before', value: pre.syncOpen.p99 } }),
      figure({ figure: `${t} sync rotate, closed loop (the run-in)`, value: ratePer(runIn, '200'), unit: '/s', baseline: { name: 'before', value: ratePer(closedBefore[topology]!, '200') } })
    )
  } finally {
    await service.stop()
  }
}

json.figures = figures
json.finishedAt = new Date().toISOString()
json.machine = { ...machine(), loadAverageAtStart: (json.machine as ReturnType<typeof machine>).loadAverage }
console.log(`\nrotation bench ${smoke ? '(smoke: thresholds not evaluated) ' : ''}— ${machine().cpus} vCPU ${machine().cpuModel}, load average ${machine().loadAverage.map((l) => l.toFixed(1)).join(' ')}, concurrency ${o.concurrency}, ${o.durationMs / 1000} s per phase\n`)
printTable(figures)
await mkdir(path.dirname(values.out), { recursive: true })
await writeFile(values.out, JSON.stringify(json, null, 2) + '\n')
console.log(`\nwritten to ${values.out}`)

await receiver.stop()
await pool.end()
await infra.stop()
const failed = figures.filter((f) => f.pass === false).length
process.exit(failed > 0 ? 2 : 0)
