import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import type pg from 'pg'
import pino from 'pino'
import { createDeliveryQueue } from '../../src/queue/delivery-queue.js'
import type { BenchKey } from './infra.js'
import { runLoad } from './load-client.js'

export interface DeliveryRun { delivered: number; seconds: number; perSecond: number }
interface QueueTarget { redisUrl: string; prefix: string }

/** A test event's body, as the API records one for `keyId`. */
export function testEventBody (id: string, keyId: string) {
  return JSON.stringify({ id, type: 'webhook.test', createdAt: new Date().toISOString(), data: { apiKeyId: keyId } })
}

/**
 * `count` pending events on `keys` (cycled) recorded at once and their jobs added in bulk, timed
 * until Postgres has them all delivered; with their bodies.
 */
export async function timedDeliveries (pool: pg.Pool, o: QueueTarget & { keys: BenchKey[]; count: number }): Promise<DeliveryRun & { bodies: string[] }> {
  const events = Array.from({ length: o.count }, (_, i) => {
    const id = randomUUID()
    const key = o.keys[i % o.keys.length]!
    return { id, apiKeyId: key.id, body: testEventBody(id, key.id) }
  })
  await pool.query(
    `insert into webhook_events (id, api_key_id, type, body, sign_with, status, job_id)
     select id, api_key_id, 'webhook.test', body, 'current', 'pending', id::text
     from unnest($1::uuid[], $2::uuid[], $3::text[]) as t(id, api_key_id, body)`,
    [events.map((e) => e.id), events.map((e) => e.apiKeyId), events.map((e) => e.body)])
  const redis = new Redis(o.redisUrl, { maxRetriesPerRequest: null })
  const queue = createDeliveryQueue(redis, o.prefix, pino({ level: 'silent' }), { maxAttempts: 3, baseMs: 1000, capMs: 1000 })
  const started = performance.now()
  await queue.addBulk(events.map((e) => ({ name: 'deliver', data: { eventId: e.id }, opts: { jobId: e.id } })))
  const ids = events.map((e) => e.id)
  const deadline = Date.now() + 120_000
  let delivered = 0
  while (Date.now() < deadline) {
    const { rows } = await pool.query<{ n: number }>("select count(*)::int as n from webhook_events where id = any($1::uuid[]) and status = 'delivered'", [ids])
    delivered = rows[0]!.n
    if (delivered === o.count) break
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  const seconds = (performance.now() - started) / 1000
  await queue.close()
  redis.disconnect()
  return { delivered, seconds, perSecond: delivered / seconds, bodies: events.map((e) => e.body) }
}

/**
 * Deliveries/s (timedDeliveries), against a bare loop of as many signed POSTs to the same receiver
 * at the worker's delivery concurrency.
 */
export async function deliveryThroughput (pool: pg.Pool, o: QueueTarget & { keys: BenchKey[]; count: number; concurrency: number; receiverUrl: string }) {
  const { bodies, ...run } = await timedDeliveries(pool, o)
  const bare = await runLoad({ kind: 'signed-post', url: o.receiverUrl, bodies, secret: 'whsec_bench', concurrency: o.concurrency, durationMs: 120_000 })
  return { ...run, bare }
}
