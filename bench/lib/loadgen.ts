// The load generator, run as its own process (bench/lib/load-client.ts spawns it): reads one job as
// JSON on stdin, runs it, prints its RunStats as JSON on stdout.
import { text } from 'node:stream/consumers'
import pg from 'pg'
import { Pool } from 'undici'
import { signPayload, SIGNATURE_HEADER } from '@webhook-secret-rotation/signing'
import { closedLoop, openLoop, type RunStats } from './stats.js'
import { baselineTransaction } from './baseline-transaction.js'

export interface HttpItem { method: 'GET' | 'POST'; path: string; headers: Record<string, string>; body?: string }

export type LoadJob =
  | { kind: 'http'; origin: string; items: HttpItem[]; concurrency: number; durationMs: number; rate?: number; warmup?: HttpItem[] }
  | { kind: 'txn'; databaseUrl: string; apiKeyIds: string[]; concurrency: number; durationMs: number; rate?: number }
  | { kind: 'signed-post'; url: string; bodies: string[]; secret: string; concurrency: number; durationMs: number }

async function runHttp (job: Extract<LoadJob, { kind: 'http' }>) {
  // One keep-alive connection per concurrent caller; the open loop may need more while it catches up.
  const client = new Pool(job.origin, { connections: job.rate ? 256 : job.concurrency, pipelining: 1 })
  const call = async (item: HttpItem) => {
    const res = await client.request({ method: item.method, path: item.path, headers: item.headers, body: item.body })
    await res.body.dump()
    return String(res.statusCode)
  }
  try {
    // Not measured: JIT, connections and caches warm up on these first.
    if (job.warmup) await closedLoop(job.warmup, job.concurrency, 60_000, call)
    return job.rate ? await openLoop(job.items, job.rate, job.durationMs, call) : await closedLoop(job.items, job.concurrency, job.durationMs, call)
  } finally {
    await client.close()
  }
}

async function runTxn (job: Extract<LoadJob, { kind: 'txn' }>) {
  const pool = new pg.Pool({ connectionString: job.databaseUrl, max: job.rate ? 64 : job.concurrency })
  const call = async (apiKeyId: string) => { await baselineTransaction(pool, apiKeyId); return 'ok' }
  try {
    // Open the connections first: connecting is not part of the transaction.
    await Promise.all(Array.from({ length: job.concurrency }, async () => (await pool.connect()).release()))
    return job.rate ? await openLoop(job.apiKeyIds, job.rate, job.durationMs, call) : await closedLoop(job.apiKeyIds, job.concurrency, job.durationMs, call)
  } finally {
    await pool.end()
  }
}

async function runSignedPosts (job: Extract<LoadJob, { kind: 'signed-post' }>) {
  const url = new URL(job.url)
  const client = new Pool(url.origin, { connections: job.concurrency })
  const call = async (body: string) => {
    const res = await client.request({
      method: 'POST',
      path: url.pathname,
      body,
      headers: { 'content-type': 'application/json', [SIGNATURE_HEADER.toLowerCase()]: signPayload(body, [job.secret], Date.now()) },
    })
    await res.body.dump()
    return String(res.statusCode)
  }
  try {
    return await closedLoop(job.bodies, job.concurrency, job.durationMs, call)
  } finally {
    await client.close()
  }
}

const job = JSON.parse(await text(process.stdin)) as LoadJob
const stats: RunStats = job.kind === 'http' ? await runHttp(job) : job.kind === 'txn' ? await runTxn(job) : await runSignedPosts(job)
process.stdout.write(JSON.stringify(stats))
