import { randomUUID } from 'node:crypto'
import { spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type pg from 'pg'
import type { BenchKey } from './infra.js'
import type { HttpItem } from './loadgen.js'
import { runLoad } from './load-client.js'
import type { RunStats } from './stats.js'

export const ROTATE_PATH = '/v1/auth/api-keys/me/webhook-secret/rotate'

export interface PhaseOptions { concurrency: number; durationMs: number }

export function rotateItem (key: BenchKey, idempotencyKey: string, async: boolean): HttpItem {
  const headers: Record<string, string> = { 'x-api-key': key.apiKey, 'idempotency-key': idempotencyKey }
  if (async) headers.prefer = 'respond-async'
  return { method: 'POST', path: ROTATE_PATH, headers }
}

/** Repeats `items` until there are `count` of them (refusals and replays may reuse keys). */
export function cycle<T> (items: T[], count: number): T[] {
  return Array.from({ length: Math.max(count, 1) }, (_, i) => items[i % items.length]!)
}

/** Async rotations to completion: submitted with Prefer: respond-async, finished as Postgres records it. */
export async function asyncRotations (pool: pg.Pool, origin: string, keys: BenchKey[], o: PhaseOptions) {
  const submitted = await runLoad({ kind: 'http', origin, items: keys.map((k) => rotateItem(k, randomUUID(), true)), ...o })
  const ids = keys.map((k) => k.id)
  const deadline = Date.now() + 120_000
  for (;;) {
    const { rows } = await pool.query<{ unfinished: number; finished: number; seconds: number }>(
      `select count(*) filter (where status in ('queued', 'processing'))::int as unfinished,
              count(*) filter (where status = 'succeeded')::int as finished,
              coalesce(extract(epoch from max(completed_at) - min(requested_at)), 0)::float8 as seconds
       from webhook_secret_rotations where api_key_id = any($1::uuid[])`, [ids])
    const r = rows[0]!
    if (r.unfinished === 0 || Date.now() > deadline) {
      return { submitted, completed: r.finished, seconds: r.seconds, perSecond: r.seconds > 0 ? r.finished / r.seconds : 0, unfinished: r.unfinished }
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** A fresh service's first requests (not measured): some rotations, then refusals on their keys. */
export async function warmUp (origin: string, keys: BenchKey[], concurrency: number) {
  const rotations = keys.map((k) => rotateItem(k, randomUUID(), false))
  const refusals = cycle(keys, 300).map((k) => rotateItem(k, randomUUID(), false))
  await runLoad({ kind: 'http', origin, items: [], concurrency, durationMs: 0, warmup: [...rotations, ...refusals] })
}

/** Baseline T closed or open loop over `apiKeyIds` (cycled; neighbours differ, so no two concurrent runs share a key). */
export function baselineT (databaseUrl: string, apiKeyIds: string[], o: PhaseOptions & { rate?: number; expected: number }) {
  return runLoad({ kind: 'txn', databaseUrl, apiKeyIds: cycle(apiKeyIds, o.expected), concurrency: o.concurrency, durationMs: o.durationMs, rate: o.rate })
}

const LIB = path.dirname(fileURLToPath(import.meta.url))

/**
 * A baseline route in its own process (its script prints its URL when ready), loaded with one POST
 * to `route` per key of `keys` (cycled) after a warm-up of the first 500; stopped afterwards.
 */
async function baselineServer (script: string, route: string, env: Record<string, string>, keys: BenchKey[], o: PhaseOptions & { rate?: number; expected: number }): Promise<RunStats> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(LIB, script)], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] })
  try {
    const origin = await new Promise<string>((resolve, reject) => {
      child.stdout.once('data', (c: Buffer) => resolve(c.toString().trim()))
      child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)))
    })
    const items = cycle(keys, o.expected).map((k): HttpItem => ({ method: 'POST', path: route, headers: { 'x-api-key': k.apiKey } }))
    return await runLoad({ kind: 'http', origin, items, concurrency: o.concurrency, durationMs: o.durationMs, rate: o.rate, warmup: items.slice(0, 500) })
  } finally {
    child.kill('SIGTERM')
  }
}

/** Baseline F: the bare authenticate-and-SELECT route under the same load. */
export function baselineF (env: Record<string, string>, keys: BenchKey[], o: PhaseOptions & { expected: number }): Promise<RunStats> {
  return baselineServer('bare-auth-server.ts', '/bare', env, keys, o)
}

/**
 * Baseline N: the synchronous rotate endpoint a user would write themselves, closed loop or open at
 * `rate`, on keys of its own (it has no cooldown, so it rotates them again and again).
 */
export function baselineN (env: Record<string, string>, keys: BenchKey[], o: PhaseOptions & { rate?: number; expected: number }): Promise<RunStats> {
  return baselineServer('naive-rotate-server.ts', '/rotate', env, keys, o)
}

/** Waits until no webhook event is pending or retrying (the rotations' own deliveries are done). */
export async function deliveriesSettled (pool: pg.Pool, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const { rows } = await pool.query<{ n: number }>("select count(*)::int as n from webhook_events where status in ('pending', 'retrying')")
    if (rows[0]!.n === 0) return
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}
