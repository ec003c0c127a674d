import { beforeAll, describe, expect, it } from 'vitest'
import { createOperator } from '../fixtures/operators.js'
import { DELIVERY_QUEUE } from '../../src/queue/delivery-queue.js'
import { ROTATION_QUEUE } from '../../src/queue/rotation-queue.js'
import { buildTestContext, createTestDatabase } from '../helper.js'

let databaseUrl: string
beforeAll(async () => { databaseUrl = await createTestDatabase() })

function expectNeverFramedOrSniffed (res: { headers: Record<string, unknown> }) {
  expect(res.headers['x-frame-options']).toBe('DENY')
  expect(String(res.headers['content-security-policy'])).toContain("frame-ancestors 'none'")
  expect(res.headers['x-content-type-options']).toBe('nosniff')
  expect(res.headers['referrer-policy']).toBe('same-origin')
}

describe('browser pages besides the console (issue 18, item 5)', () => {
  it('serves the API docs never framed, without sniffing or a Referer, and with no third-party source in their CSP', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false })
    for (const url of ['/v1/docs', '/v1/docs/', '/v1/docs/static/swagger-initializer.js', '/v1/docs/static/swagger-ui.css']) {
      const res = await ctx.app.inject({ method: 'GET', url })
      expect({ url, status: res.statusCode }).toEqual({ url, status: 200 })
      expectNeverFramedOrSniffed(res)
      expect(String(res.headers['content-security-policy'])).not.toMatch(/https:|swagger\.io/)
    }
  })

  it('serves the queue dashboard never framed or cached, and makes it load no web font from a third party', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false })
    const operator = await createOperator(ctx, 'headers-check')
    const res = await ctx.app.inject({ method: 'GET', url: '/admin/queues', headers: { authorization: `Bearer ${operator.token}` } })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toMatch(/^text\/html/)
    expectNeverFramedOrSniffed(res)
    expect(res.headers['cache-control']).toBe('no-store')
    expect(res.body).not.toMatch(/fonts\.googleapis|fonts\.gstatic|https:\/\//)
    expect(String(res.headers['content-security-policy'])).not.toMatch(/https:/)
    const api = await ctx.app.inject({ method: 'GET', url: '/admin/queues/api/queues', headers: { authorization: `Bearer ${operator.token}` } })
    expect(api.statusCode).toBe(200)
    expect(api.headers['cache-control']).toBe('no-store')
    // The queues join on the first visit (their adapter loads then): the first answer already lists them.
    expect((api.json() as { queues: { name: string }[] }).queues.map((q) => q.name).sort()).toEqual([DELIVERY_QUEUE, ROTATION_QUEUE].sort())
  })
})
