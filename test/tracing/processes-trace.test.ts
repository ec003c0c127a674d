import { randomUUID } from 'node:crypto'
import pg from 'pg'
import { beforeAll, describe, expect, inject, it } from 'vitest'
import { parseEnv } from '../../src/config/config.js'
import { createSecretBox } from '../../src/crypto/secret-box.js'
import { issueApiKey } from '../../src/domain/api-keys.js'
import { freePort } from '../../src/embedded/free-port.js'
import { startOtlpCollector } from '../fixtures/otlp-collector.js'
import { startReceiver } from '../fixtures/receiver.js'
import { spawnRole } from '../fixtures/spawn-role.js'
import { expectRotationTrace, leakedTexts, rotationTraceRecorded } from '../fixtures/traces.js'
import { createTestDatabase, eventually, ROTATE_PATH, TEST_ENCRYPTION_KEYS, TEST_PEPPER } from '../helper.js'

let databaseUrl: string
beforeAll(async () => { databaseUrl = await createTestDatabase() })

async function issueKey (webhookUrl: string) {
  const pool = new pg.Pool({ connectionString: databaseUrl })
  try {
    const secretBox = createSecretBox(parseEnv({ SECRET_ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS }).SECRET_ENCRYPTION_KEYS!)
    return await issueApiKey(pool, { pepper: TEST_PEPPER, secretBox }, { ownerId: 'trace-test', env: 'test', scopes: ['webhooks:manage'], webhookUrl }, { actorType: 'system', actor: 'test' })
  } finally {
    await pool.end()
  }
}

describe('traces from start:api and start:worker', () => {
  it('sends one trace of a rotation, across the API and worker processes, to the OTLP endpoint', async () => {
    const collector = await startOtlpCollector()
    const receiver = await startReceiver()
    const key = await issueKey(receiver.url)
    const port = await freePort()
    const env = {
      DATABASE_URL: databaseUrl,
      REDIS_URL: inject('redisUrl'),
      QUEUE_PREFIX: `{t-${randomUUID()}}`,
      PORT: String(port),
      WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true',
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '100',
    }
    const api = spawnRole('api', { ...env, OTEL_SERVICE_NAME: 'rotation-api' })
    const worker = spawnRole('worker', { ...env, OTEL_SERVICE_NAME: 'rotation-worker' })
    const base = `http://127.0.0.1:${port}`
    await eventually(async () => {
      api.assertAlive()
      worker.assertAlive()
      return (await fetch(`${base}/v1/health`).catch(() => undefined))?.status === 200
    }, 60_000, 100)

    const res = await fetch(`${base}${ROTATE_PATH}`, { method: 'POST', headers: { 'x-api-key': key.apiKey, 'idempotency-key': randomUUID() } })
    expect(res.status).toBe(200)
    const newSecret = ((await res.json()) as { webhookSecret: { secret: string } }).webhookSecret.secret
    await receiver.waitFor(1)

    const spans = await eventually(async () => rotationTraceRecorded(collector.spans, ROTATE_PATH) ? collector.spans : undefined, 30_000, 100)
    const { server, rotationProducer, rotationConsumer, deliveryConsumer, webhookPost } = expectRotationTrace(spans, ROTATE_PATH)
    expect([server.service, rotationProducer.service], 'recorded by the API process').toEqual(['rotation-api', 'rotation-api'])
    expect([rotationConsumer.service, deliveryConsumer.service, webhookPost.service], 'recorded by the worker process').toEqual(['rotation-worker', 'rotation-worker', 'rotation-worker'])
    expect(spans.some((s) => s.attributes['url.path'] === '/v1/health'), 'health probes are not traced').toBe(false)
    expect(leakedTexts(spans, webhookPost, [key.apiKey, key.webhookSecret!, newSecret]), 'span attributes holding a secret or an API key').toEqual([])
  })
})
