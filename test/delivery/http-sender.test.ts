import http from 'node:http'
import type { AddressInfo } from 'node:net'
import dns from 'node:dns'
import { describe, it, expect, onTestFinished, vi } from 'vitest'
import { createSafeLookup, isPublicAddress } from '../../src/delivery/address-policy.js'
import { sendWebhook } from '../../src/delivery/http-sender.js'

interface Received { method: string; url: string; headers: http.IncomingHttpHeaders; body: Buffer }
type Answer = { status: number; headers?: Record<string, string> } | 'hang'

/**
 * A loopback server that records every request and answers as told; closed when the test finishes.
 * `dropReusedConnections`: a second request on one connection is dropped, unrecorded and unanswered.
 */
async function startServer (answer: () => Answer = () => ({ status: 200 }), opts: { dropReusedConnections?: boolean } = {}) {
  const received: Received[] = []
  const served = new WeakSet<object>()
  let connections = 0
  const server = http.createServer((req, res) => {
    if (opts.dropReusedConnections && served.has(req.socket)) return req.socket.destroy()
    served.add(req.socket)
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) })
      const a = answer()
      if (a !== 'hang') res.writeHead(a.status, a.headers).end('response body')
    })
  })
  server.on('connection', () => { connections++ })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  onTestFinished(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })
  const { port } = server.address() as AddressInfo
  return { port, url: `http://127.0.0.1:${port}/hooks`, received, connections: () => connections }
}

/** A port nothing listens on: bound once, then released. */
async function closedPort () {
  const server = http.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

const body = '{"id":"evt_1","note":"héllo ✓"}'
const headers = { 'content-type': 'application/json', 'x-webhook-signature': 'v1=abc123', 'x-webhook-id': 'evt_1' }
const send = (url: string, opts: { allowPrivateAddresses?: boolean; timeoutMs?: number } = {}) =>
  sendWebhook({ url, body, headers, timeoutMs: opts.timeoutMs ?? 5000, allowPrivateAddresses: opts.allowPrivateAddresses ?? true })

describe('isPublicAddress', () => {
  it.each(['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '2002:808:808::1', '64:ff9b::808:808'])('%s is public', (ip) => {
    expect(isPublicAddress(ip)).toBe(true)
  })

  it.each([
    '127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1',
    '255.255.255.255', '240.0.0.1', '192.0.0.8', '192.0.2.1', '198.18.0.1', '198.51.100.1', '203.0.113.1',
    '::1', '::', 'fe80::1', 'fd00:ec2::254', 'fc00::1', 'ff02::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1',
    '2001:db8::1', '64:ff9b::a00:1', '2002:a00:1::1', '2001:0:4136:e378:8000:63bf:80ff:fffe', '::7f00:1', 'not-an-ip',
  ])('%s is not public', (ip) => {
    expect(isPublicAddress(ip)).toBe(false)
  })
})

describe('createSafeLookup', () => {
  const lookup = (allow: boolean, all: boolean) => new Promise<unknown>((resolve, reject) => {
    createSafeLookup(allow)('localhost', { all }, (err, address) => err ? reject(err) : resolve(address))
  })

  it('refuses localhost when private addresses are not allowed', async () => {
    await expect(lookup(false, false)).rejects.toMatchObject({ code: 'EADDRNOTALLOWED', message: expect.stringMatching(/^address .+ of localhost is not allowed$/) })
    await expect(lookup(false, true)).rejects.toMatchObject({ code: 'EADDRNOTALLOWED' })
  })

  it('answers a name under .invalid (npm start\'s demo URL) ENOTFOUND at once, without asking DNS', async () => {
    const asked = vi.spyOn(dns, 'lookup')
    onTestFinished(() => { asked.mockRestore() })
    for (const host of ['webhooks.example.invalid', 'EXAMPLE.INVALID.', 'invalid']) {
      const answer = new Promise((resolve, reject) => createSafeLookup(true)(host, { all: false }, (err, address) => err ? reject(err) : resolve(address)))
      await expect(answer).rejects.toMatchObject({ code: 'ENOTFOUND' })
    }
    expect(asked).not.toHaveBeenCalled()
  })

  it('resolves localhost in both callback shapes when private addresses are allowed', async () => {
    await expect(lookup(true, false)).resolves.toMatch(/^(127\.0\.0\.1|::1)$/)
    await expect(lookup(true, true)).resolves.toEqual(expect.arrayContaining([expect.objectContaining({ family: expect.any(Number) })]))
  })
})

describe('sendWebhook', () => {
  it('delivers on 200, sending the exact body bytes and the given headers', async () => {
    const server = await startServer()
    expect(await send(server.url)).toEqual({ outcome: 'delivered', statusCode: 200 })
    expect(server.received).toHaveLength(1)
    const [got] = server.received
    expect(got?.method).toBe('POST')
    expect(got?.url).toBe('/hooks')
    expect(got?.body.equals(Buffer.from(body, 'utf8'))).toBe(true)
    expect(got?.headers).toMatchObject({ ...headers, 'content-length': String(Buffer.byteLength(body)) })
  })

  it.each([500, 503, 408, 429])('retries on HTTP %i', async (status) => {
    const server = await startServer(() => ({ status }))
    expect(await send(server.url)).toEqual({ outcome: 'retry', statusCode: status, error: `HTTP ${status}` })
  })

  it.each([400, 404, 410])('fails on HTTP %i', async (status) => {
    const server = await startServer(() => ({ status }))
    expect(await send(server.url)).toEqual({ outcome: 'fail', statusCode: status, error: `HTTP ${status}` })
  })

  it.each([301, 302])('fails on HTTP %i without following the Location', async (status) => {
    const target = await startServer()
    const server = await startServer(() => ({ status, headers: { location: target.url } }))
    expect(await send(server.url)).toEqual({ outcome: 'fail', statusCode: status, error: `redirect not followed (HTTP ${status})` })
    expect(server.received).toHaveLength(1)
    expect(target.received).toHaveLength(0)
  })

  it('retries after a timeout when the server never answers', async () => {
    const server = await startServer(() => 'hang')
    expect(await send(server.url, { timeoutMs: 300 })).toEqual({ outcome: 'retry', statusCode: null, error: 'timeout after 300 ms' })
  })

  it('retries when the connection is refused', async () => {
    const port = await closedPort()
    expect(await send(`http://127.0.0.1:${port}/hooks`)).toMatchObject({ outcome: 'retry', statusCode: null, error: expect.stringMatching(/^ECONNREFUSED: /) })
  })

  it('refuses an IP-literal private host without connecting', async () => {
    const server = await startServer()
    expect(await send(server.url, { allowPrivateAddresses: false })).toMatchObject({ outcome: 'fail', statusCode: null, error: expect.stringMatching(/^address not allowed: /) })
    expect(await send(`http://[::ffff:127.0.0.1]:${server.port}/hooks`, { allowPrivateAddresses: false })).toMatchObject({ outcome: 'fail', error: expect.stringMatching(/^address not allowed: /) })
    expect(server.received).toHaveLength(0)
  })

  it('refuses a name resolving to loopback without connecting', async () => {
    const server = await startServer()
    expect(await send(`http://localhost:${server.port}/hooks`, { allowPrivateAddresses: false })).toMatchObject({ outcome: 'fail', statusCode: null, error: expect.stringMatching(/^address not allowed: .*localhost/) })
    expect(server.received).toHaveLength(0)
  })

  it('keeps the connection to a receiver alive between deliveries', async () => {
    const server = await startServer()
    for (let i = 0; i < 3; i++) expect(await send(server.url)).toEqual({ outcome: 'delivered', statusCode: 200 })
    expect(server.received).toHaveLength(3)
    expect(server.connections()).toBe(1)
  })

  it('never sends a delivery that may not reach private addresses over a connection opened where they were allowed', async () => {
    const server = await startServer()
    expect(await send(`http://localhost:${server.port}/hooks`, { allowPrivateAddresses: true })).toEqual({ outcome: 'delivered', statusCode: 200 })
    expect(await send(`http://localhost:${server.port}/hooks`, { allowPrivateAddresses: false })).toMatchObject({ outcome: 'fail', error: expect.stringMatching(/^address not allowed: /) })
    expect(server.received).toHaveLength(1)
  })

  it('sends again on a new connection when the receiver dropped the kept-alive one, and delivers once', async () => {
    // The receiver drops a kept-alive connection when a second request arrives on it, unanswered.
    const server = await startServer(() => ({ status: 200 }), { dropReusedConnections: true })
    expect(await send(server.url)).toEqual({ outcome: 'delivered', statusCode: 200 })
    expect(await send(server.url)).toEqual({ outcome: 'delivered', statusCode: 200 })
    expect(server.received).toHaveLength(2)
    expect(server.connections()).toBe(2)
  })

  it('delivers to private addresses when they are allowed', async () => {
    const server = await startServer()
    expect(await send(`http://localhost:${server.port}/hooks`, { allowPrivateAddresses: true })).toEqual({ outcome: 'delivered', statusCode: 200 })
    expect(server.received).toHaveLength(1)
  })

  it('fails a URL that does not parse or is not http(s)', async () => {
    expect(await send('ftp://example.com/hooks')).toEqual({ outcome: 'fail', statusCode: null, error: 'invalid webhook URL' })
    expect(await send('not a url')).toEqual({ outcome: 'fail', statusCode: null, error: 'invalid webhook URL' })
  })

  it('names the configured host, never the address it resolved to, in refusal and network error texts (issue 18)', async () => {
    const server = await startServer()
    const refused = await send(`http://localhost:${server.port}/hooks`, { allowPrivateAddresses: false })
    const unreachable = await send(`http://localhost:${await closedPort()}/hooks`)
    expect(refused).toMatchObject({ outcome: 'fail', error: expect.stringMatching(/^address not allowed: localhost /) })
    expect(unreachable).toMatchObject({ outcome: 'retry', error: expect.stringMatching(/^ECONNREFUSED: .*localhost/) })
    for (const result of [refused, unreachable]) {
      const error = result.outcome === 'delivered' ? '' : result.error
      expect(error).not.toMatch(/127\.0\.0\.1|::1|\d+\.\d+\.\d+\.\d+/)
    }
  })

  it('keeps request headers and body out of error texts', async () => {
    const server = await startServer(() => ({ status: 500 }))
    for (const result of [await send(server.url), await send(`http://127.0.0.1:${await closedPort()}/`)]) {
      expect(result.outcome).toBe('retry')
      const error = result.outcome === 'delivered' ? '' : result.error
      expect(error).not.toContain('abc123')
      expect(error).not.toContain('evt_1')
    }
  })
})
