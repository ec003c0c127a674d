// `npm run bench:recovery`: a worker SIGKILLed with rotations in flight, again and again; how long
// until each of them is committed by the surviving worker (README "Configuration", worker locks).
// Options: --rounds N (5), --in-flight N (32), --env KEY=VALUE (both workers; e.g. the old
// WORKER_LOCK_DURATION_MS=30000), --database-url / --redis-url (default: embedded / private).
import { parseArgs } from 'node:util'
import { startInfra } from './lib/infra.js'
import { machine } from './lib/report.js'
import { summarize } from './lib/stats.js'
import { killWorkerWithRotationsInFlight } from './lib/worker-kill.js'

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    'in-flight': { type: 'string', default: '32' },
    env: { type: 'string', multiple: true, default: [] as string[] },
    'database-url': { type: 'string' },
    'redis-url': { type: 'string' },
  },
})
const env = Object.fromEntries(values.env.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]))
const infra = await startInfra({ databaseUrl: values['database-url'], redisUrl: values['redis-url'] })
try {
  const all: number[] = []
  let unfinished = 0
  let wrongVersions = 0
  for (let i = 1; i <= Number(values.rounds); i++) {
    const round = await killWorkerWithRotationsInFlight({
      databaseUrl: infra.databaseUrl, redisUrl: infra.redisUrl, inFlight: Number(values['in-flight']), timeoutMs: 120_000, env,
    })
    const s = summarize(round.recoveryMs, 0, {})
    console.log(`round ${i}: ${round.inFlight} in flight, recovered p50 ${s.p50.toFixed(0)} ms, max ${Math.max(...round.recoveryMs).toFixed(0)} ms, unfinished ${round.unfinished}, wrong secret versions ${round.wrongVersions}`)
    all.push(...round.recoveryMs)
    unfinished += round.unfinished
    wrongVersions += round.wrongVersions
  }
  const s = summarize(all, 0, {})
  console.log(JSON.stringify({ machine: machine(), env, rotations: all.length, p50Ms: Math.round(s.p50), p99Ms: Math.round(s.p99), maxMs: Math.round(Math.max(...all)), unfinished, wrongVersions }))
  if (unfinished > 0 || wrongVersions > 0 || !(s.p99 <= 10_000)) process.exitCode = 1
} finally {
  await infra.stop()
}
