import { randomBytes, randomUUID } from 'node:crypto'
import { chmod, mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { aad, createSecretBox } from '../../src/crypto/secret-box.js'
import { generateApiKey, generateWebhookSecret, hashToken, keyPrefix } from '../../src/crypto/tokens.js'
import { migrate } from '../../src/db/migrate.js'
import { insertRotation } from '../../src/db/rotations-repository.js'
import { requestFingerprint } from '../../src/domain/rotation-requests.js'
import { enqueueRotation, type RotationQueue } from '../../src/queue/rotation-queue.js'
import { startEmbeddedPostgres } from '../../src/embedded/postgres.js'
import { startRedisServer } from '../../src/embedded/redis-server.js'

export interface Infra {
  databaseUrl: string
  redisUrl: string
  pepper: string
  /** SECRET_ENCRYPTION_KEYS as the service reads it from the environment. */
  encryptionKeys: string
  stop: () => Promise<void>
}

/** Real Postgres (embedded, or a fresh database on a given server) and Redis (a private redis-server, or a given one). */
export async function startInfra (opts: { databaseUrl?: string; redisUrl?: string }): Promise<Infra> {
  const stops: (() => Promise<void>)[] = []
  let databaseUrl = opts.databaseUrl
  if (!databaseUrl) {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'rotation-bench-'))
    await chmod(dir, 0o755)
    const postgres = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), password: 'bench' })
    stops.push(async () => { await postgres.stop(); await rm(dir, { recursive: true, force: true }) })
    databaseUrl = postgres.url()
  }
  let redisUrl = opts.redisUrl
  if (!redisUrl) {
    const redis = await startRedisServer()
    stops.push(() => redis.stop())
    redisUrl = redis.url
  }
  await migrate(databaseUrl)
  return {
    databaseUrl,
    redisUrl,
    pepper: randomBytes(24).toString('base64'),
    encryptionKeys: `b1:${randomBytes(32).toString('base64')}`,
    async stop () { for (const stop of stops.reverse()) await stop() },
  }
}

export interface BenchKey { id: string; apiKey: string }

/** One queued rotation per key, recorded and enqueued as POST rotate does; their ids. */
export async function queueRotations (pool: pg.Pool, queue: RotationQueue, keys: BenchKey[]) {
  const ids: string[] = []
  for (const key of keys) {
    const rotation = await insertRotation(pool, {
      id: randomUUID(),
      apiKeyId: key.id,
      kind: 'customer',
      idempotencyKey: randomUUID(),
      requestFingerprint: requestFingerprint('customer', null),
      actor: key.id,
      reason: null,
      requestId: 'bench',
      sourceIp: null,
    }, 86_400)
    ids.push(rotation!.id)
    await enqueueRotation(queue, rotation!.id)
  }
  return ids
}

/** Issues `count` keys with a webhook URL in bulk (what issueApiKey stores, minus its audit row). */
export async function seedKeys (pool: pg.Pool, infra: Pick<Infra, 'pepper' | 'encryptionKeys'>, count: number, webhookUrl: string): Promise<BenchKey[]> {
  const box = createSecretBox([{ kid: 'b1', key: Buffer.from(infra.encryptionKeys.slice(3), 'base64') }])
  const keys: BenchKey[] = []
  for (let start = 0; start < count; start += 2000) {
    const batch = Array.from({ length: Math.min(2000, count - start) }, () => ({ id: randomUUID(), apiKey: generateApiKey('test') }))
    await pool.query(
      `insert into api_keys (id, owner_id, env, key_prefix, key_hash, scopes, webhook_url, webhook_secret, secret_version)
       select id, 'bench', 'test', prefix, hash, '{webhooks:manage}', $4::text, secret, 1
       from unnest($1::uuid[], $2::text[], $3::bytea[], $5::text[]) as t(id, prefix, hash, secret)`,
      [batch.map((k) => k.id), batch.map((k) => keyPrefix(k.apiKey)), batch.map((k) => hashToken(infra.pepper, k.apiKey)), webhookUrl,
        batch.map((k) => box.encrypt(generateWebhookSecret(), aad.current(k.id)))]
    )
    keys.push(...batch)
  }
  return keys
}

/**
 * Pads keys, rotations, audit events and webhook events to `rows` each with generate_series: finished,
 * old rows on keys nobody uses, the shape a long-lived installation has. Then ANALYZE.
 */
export async function padTables (pool: pg.Pool, rows: number) {
  const missing = async (table: string) => Math.max(0, rows - Number((await pool.query<{ n: string }>(`select count(*)::text as n from ${table}`)).rows[0]!.n))
  const keys = await missing('api_keys')
  await pool.query(
    `insert into api_keys (owner_id, env, key_prefix, key_hash, webhook_url, webhook_secret, secret_version, secret_rotated_at, created_at)
     select 'pad', 'test', 'kash_test_pad', decode(md5('a' || i) || md5('b' || i), 'hex'), 'https://pad.invalid/h', 'pad', 2,
            now() - interval '30 days', now() - interval '60 days'
     from generate_series(1, $1::int) i`, [keys])
  const padKeys = '(select id, row_number() over () as n from api_keys where owner_id = \'pad\') k'
  const rotations = await missing('webhook_secret_rotations')
  await pool.query(
    `insert into webhook_secret_rotations (id, api_key_id, kind, idempotency_key, request_fingerprint, status, actor, rotated_at, secret_version,
                                           secret_erased_at, secret_erased_reason, requested_at, completed_at)
     select gen_random_uuid(), k.id, 'customer', md5(i::text), 'pad', 'succeeded', 'pad', now() - interval '30 days', 2,
            now() - interval '29 days', 'acknowledged', now() - interval '30 days', now() - interval '30 days'
     from generate_series(1, $1::int) i join ${padKeys} on k.n = 1 + i % greatest(1, (select count(*) from api_keys where owner_id = 'pad'))`,
    [rotations])
  const audits = await missing('audit_events')
  await pool.query(
    `insert into audit_events (at, actor_type, actor, action, api_key_id, details)
     select now() - interval '30 days', 'customer', k.id::text, 'webhook_secret.rotated', k.id, '{}'
     from generate_series(1, $1::int) i join ${padKeys} on k.n = 1 + i % greatest(1, (select count(*) from api_keys where owner_id = 'pad'))`,
    [audits])
  const events = await missing('webhook_events')
  await pool.query(
    `insert into webhook_events (id, api_key_id, type, body, status, job_id, attempts, created_at, delivered_at, updated_at)
     select gen_random_uuid(), k.id, 'webhook_secret.rotated', '{}', 'delivered', 'pad-' || i, 1,
            now() - interval '30 days', now() - interval '30 days', now() - interval '30 days'
     from generate_series(1, $1::int) i join ${padKeys} on k.n = 1 + i % greatest(1, (select count(*) from api_keys where owner_id = 'pad'))`,
    [events])
  // As after any bulk load: vacuum (visibility map, hint bits) and a checkpoint now, or autovacuum and
  // the checkpointer do it during the next phase and that phase measures them, not the table sizes.
  await pool.query('vacuum analyze')
  await pool.query('checkpoint')
}
