import { randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { createLogger } from '../../src/logging/logger.js'
import { startServices } from '../../src/services.js'
import { sample } from '../fixtures/prometheus.js'
import { buildTestContext, createTestDatabase, eventually } from '../helper.js'

let databaseUrl: string
beforeAll(async () => { databaseUrl = await createTestDatabase() })

describe('METRICS_PORT', () => {
  it('makes a --role worker process serve its own /metrics on loopback without auth, counting the rotations it ran', async () => {
    // The API side of the test; the worker is the separate set of services started below.
    const ctx = await buildTestContext({ databaseUrl, worker: false, env: { METRICS_PORT: '0' } })
    const services = await startServices(ctx.config, createLogger('silent'), 'worker')
    onTestFinished(() => services.close())
    expect(services.app).toBeUndefined()
    expect(services.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/)

    const key = await ctx.createKey()
    expect((await ctx.rotate(key.apiKey, { idempotencyKey: randomUUID() })).statusCode).toBe(200)
    const text = await eventually(async () => {
      const res = await fetch(services.metricsUrl!)
      expect(res.status).toBe(200)
      const body = await res.text()
      return sample(body, 'webhook_rotation_rotations_total', { kind: 'customer', outcome: 'succeeded' }) === 1 ? body : undefined
    })
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0)
    expect(sample(text, 'webhook_rotation_queue_jobs', { queue: 'webhook-secret-rotations', state: 'completed' })).toBe(1)
    expect((await fetch(services.metricsUrl!.replace('/metrics', '/other'))).status).toBe(404)
  })

  it('answers GET /health with the role and whether its workers (and API) are up: the container health check of each role', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false, env: { METRICS_PORT: '0', PORT: '0' } })
    for (const role of ['worker', 'api'] as const) {
      const services = await startServices(ctx.config, createLogger('silent'), role)
      onTestFinished(() => services.close())
      const res = await fetch(services.metricsUrl!.replace('/metrics', '/health'))
      expect(res.status).toBe(200)
      expect(await res.json()).toEqual({ role, status: 'ok' })
    }
  })

  it('with --role all serves one registry: the API\'s requests and the worker\'s rotations on the same endpoint', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false, env: { METRICS_PORT: '0', PORT: '0' } })
    const services = await startServices(ctx.config, createLogger('silent'), 'all')
    onTestFinished(() => services.close())
    const key = await ctx.createKey()
    const res = await fetch(`${services.address}/v1/auth/api-keys/me/webhook-secret/rotate`, {
      method: 'POST', headers: { 'x-api-key': key.apiKey, 'idempotency-key': randomUUID() },
    })
    expect(res.status).toBe(200)
    const text = await eventually(async () => {
      const body = await (await fetch(services.metricsUrl!)).text()
      return sample(body, 'webhook_rotation_rotations_total', { kind: 'customer', outcome: 'succeeded' }) === 1 ? body : undefined
    })
    expect(sample(text, 'http_request_duration_seconds_count', { route: '/v1/auth/api-keys/me/webhook-secret/rotate', method: 'POST', status_code: '200' })).toBe(1)
  })
})
