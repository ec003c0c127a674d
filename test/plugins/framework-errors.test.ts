import type { AddressInfo } from 'node:net'
import { beforeAll, describe, expect, it } from 'vitest'
import { ERROR_CATALOGUE } from '../../src/errors/catalogue.js'
import { rawRequest, type RawResponse } from '../fixtures/raw-http.js'
import { buildTestContext, createTestDatabase, json, ROTATIONS_PATH } from '../helper.js'

let databaseUrl: string
beforeAll(async () => { databaseUrl = await createTestDatabase() })

async function listening (env: Record<string, string> = {}) {
  const ctx = await buildTestContext({ databaseUrl, worker: false, env })
  await ctx.app.listen({ port: 0, host: '127.0.0.1' })
  return { ctx, port: (ctx.app.server.address() as AddressInfo).port }
}

function expectRawProblem (res: RawResponse, status: number, code: keyof typeof ERROR_CATALOGUE, instance?: string, requestId?: string) {
  expect(res.status, res.body).toBe(status)
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
  expect(res.headers['x-error-code']).toBe(code)
  if (requestId) expect(res.headers['x-request-id']).toBe(requestId)
  else expect(res.headers['x-request-id']).toMatch(/^req_[0-9a-f-]{36}$/)
  const body = JSON.parse(res.body) as Record<string, unknown>
  expect(body).toMatchObject({
    type: `/v1/errors/${code}`,
    title: ERROR_CATALOGUE[code].title,
    status,
    code,
    detail: expect.any(String),
    requestId: res.headers['x-request-id'],
    ...(instance !== undefined ? { instance } : {}),
  })
  return body
}

describe('errors raised by plugins with a 4xx status', () => {
  it('answers a path that climbs out of the docs\' static folder 404 RESOURCE_NOT_FOUND, never 500', async () => {
    const { ctx, port } = await listening()
    for (const path of ['/v1/docs/static/%2e%2e/%2e%2e/package.json', '/v1/docs/static/../../../package.json', '/v1/docs/static/%2e%2e%2fpackage.json']) {
      const res = await rawRequest(port, `GET ${path} HTTP/1.1\r\nHost: localhost\r\n\r\n`)
      expect(res.status, path).toBe(404)
      expect(res.headers['x-error-code'], path).toBe('RESOURCE_NOT_FOUND')
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
      expect(res.body).not.toMatch(/webhook-secret-rotation|"dependencies"/)
    }
    const injected = await ctx.app.inject({ method: 'GET', url: '/v1/docs/static/%2e%2e/%2e%2e/package.json' })
    expect(injected.statusCode).toBe(404)
    expect(json(injected)).toMatchObject({ code: 'RESOURCE_NOT_FOUND', requestId: injected.headers['x-request-id'] })
  })
})

describe('a path that exists, under another method', () => {
  it('answers 405 METHOD_NOT_ALLOWED with Allow naming the methods it takes, and 404 for a path that does not exist', async () => {
    const { ctx } = await listening()
    const rotate = await ctx.app.inject({ method: 'GET', url: '/v1/auth/api-keys/me/webhook-secret/rotate' })
    expect(rotate.statusCode).toBe(405)
    expect(rotate.headers.allow).toBe('POST')
    expect(rotate.headers['x-error-code']).toBe('METHOD_NOT_ALLOWED')
    expect(rotate.headers['content-type']).toMatch(/^application\/problem\+json/)
    expect(json(rotate)).toMatchObject({ type: '/v1/errors/METHOD_NOT_ALLOWED', status: 405, instance: '/v1/auth/api-keys/me/webhook-secret/rotate', requestId: rotate.headers['x-request-id'] })

    const acknowledge = await ctx.app.inject({ method: 'DELETE', url: `${ROTATIONS_PATH}/0b9f5c3e-7d1a-4c55-9a43-2f4e8c1d6b70/acknowledge` })
    expect(acknowledge.statusCode).toBe(405)
    expect(acknowledge.headers.allow).toBe('POST')

    const metadata = await ctx.app.inject({ method: 'POST', url: '/v1/auth/api-keys/me/webhook-secret' })
    expect(metadata.statusCode).toBe(405)
    expect(metadata.headers.allow).toBe('GET, HEAD')

    const missing = await ctx.app.inject({ method: 'GET', url: '/v1/auth/api-keys/me/webhook-secret/rotate-now' })
    expect(missing.statusCode).toBe(404)
    expect(missing.headers['x-error-code']).toBe('RESOURCE_NOT_FOUND')
    expect(missing.headers.allow).toBeUndefined()
  })
})

describe('refusals of the router, before any route runs', () => {
  it('answers a path parameter over 100 characters 414 URI_TOO_LONG as problem+json with a request id', async () => {
    const { port } = await listening()
    const path = `${ROTATIONS_PATH}/${'a'.repeat(3000)}`
    const res = await rawRequest(port, `GET ${path} HTTP/1.1\r\nHost: localhost\r\nX-Request-ID: trace-414\r\n\r\n`)
    expect(res.status).toBe(414)
    expect(res.headers['x-error-code']).toBe('URI_TOO_LONG')
    expect(res.headers['x-request-id']).toBe('trace-414')
    expect(JSON.parse(res.body)).toMatchObject({ type: '/v1/errors/URI_TOO_LONG', status: 414, code: 'URI_TOO_LONG', instance: path, requestId: 'trace-414' })
  })

  it('answers a percent-encoding that does not decode (%ff%fe) 400 REQUEST_MALFORMED as problem+json', async () => {
    const { port } = await listening()
    const path = `${ROTATIONS_PATH}/%ff%fe`
    const res = await rawRequest(port, `GET ${path} HTTP/1.1\r\nHost: localhost\r\n\r\n`)
    expectRawProblem(res, 400, 'REQUEST_MALFORMED', path)
  })
})

describe('requests Node\'s HTTP parser refuses before Fastify sees them', () => {
  it('answers an unknown method (FOO, BREW) 400 REQUEST_MALFORMED as problem+json with a request id', async () => {
    const { port } = await listening()
    for (const method of ['FOO', 'BREW']) {
      const res = await rawRequest(port, `${method} /v1/health HTTP/1.1\r\nHost: localhost\r\n\r\n`)
      const body = expectRawProblem(res, 400, 'REQUEST_MALFORMED')
      expect(body.detail).toMatch(/method/)
    }
  })

  it('answers headers over 16 KiB 431 HEADERS_TOO_LARGE as problem+json with a request id', async () => {
    const { port } = await listening()
    const res = await rawRequest(port, `GET /v1/health HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'x'.repeat(20_000)}\r\n\r\n`)
    expectRawProblem(res, 431, 'HEADERS_TOO_LARGE', '/v1/health')
  })

  it('answers a malformed header line 400 REQUEST_MALFORMED and keeps serving other connections', async () => {
    const { port } = await listening()
    const res = await rawRequest(port, 'GET /v1/health HTTP/1.1\r\nHost: localhost\r\nBad Header Name: x\r\n\r\n')
    expectRawProblem(res, 400, 'REQUEST_MALFORMED', '/v1/health')
    const ok = await rawRequest(port, 'GET /v1/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n')
    expect(ok.status).toBe(200)
  })
})

describe('a request whose announced body never arrives', () => {
  // Fastify turns Node's request timeout off: the fuzzer found /admin/sign-in holding such a
  // connection open for good (it has no hook that answers before the body, as API-key routes do).
  it('answers 408 REQUEST_TIMEOUT as problem+json once REQUEST_TIMEOUT_MS has passed, instead of waiting for good', async () => {
    const { port } = await listening({ REQUEST_TIMEOUT_MS: '500' })
    const res = await rawRequest(port, 'POST /admin/sign-in HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n', { timeoutMs: 20_000 })
    expectRawProblem(res, 408, 'REQUEST_TIMEOUT')
  })
})

describe('CONNECT, which Node hands past Fastify', () => {
  it('answers CONNECT 400 REQUEST_MALFORMED as problem+json instead of dropping the connection', async () => {
    const { port } = await listening()
    const res = await rawRequest(port, 'CONNECT /v1/health HTTP/1.1\r\nHost: localhost\r\nX-Request-ID: trace-connect\r\n\r\n')
    expectRawProblem(res, 400, 'REQUEST_MALFORMED', '/v1/health', 'trace-connect')
  })
})

describe('an Expect header other than 100-continue', () => {
  it('answers 417 EXPECTATION_FAILED as problem+json with the request id, not Node\'s bare 417', async () => {
    const { port } = await listening()
    const res = await rawRequest(port, 'POST /v1/admin/rotations/x/acknowledge HTTP/1.1\r\nHost: localhost\r\nExpect: application/json\r\nX-Request-ID: trace-417\r\n\r\n')
    expectRawProblem(res, 417, 'EXPECTATION_FAILED', '/v1/admin/rotations/x/acknowledge', 'trace-417')
  })
})
