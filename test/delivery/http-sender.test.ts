import { describe, expect, it } from 'vitest'
import { createSafeLookup, isPublicAddress } from '../../src/delivery/address-policy.js'
import { sendWebhook } from '../../src/delivery/http-sender.js'
import { startReceiver } from '../fixtures/receiver.js'

const send = (url: string, allowPrivateAddresses = true, timeoutMs = 2000) =>
  sendWebhook({ url, body: '{"id":"evt"}', headers: { 'content-type': 'application/json', 'x-kash-event-id': 'evt' }, timeoutMs, allowPrivateAddresses })

describe('isPublicAddress', () => {
  it.each(['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111'])('accepts the public address %s', (ip) => {
    expect(isPublicAddress(ip)).toBe(true)
  })
  it.each([
    '127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1',
    '255.255.255.255', '192.0.2.1', '198.18.0.1', '::1', '::', 'fe80::1', 'fd00:ec2::254', 'fc00::1',
    '::ffff:127.0.0.1', '::ffff:10.0.0.1', '2001:db8::1', '64:ff9b::a00:1', '2002:a00:1::', 'not-an-ip',
  ])('refuses %s', (ip) => {
    expect(isPublicAddress(ip)).toBe(false)
  })
})

describe('createSafeLookup', () => {
  it('refuses a name that resolves to loopback, and allows it when private addresses are allowed', async () => {
    const lookup = (allow: boolean) => new Promise<unknown>((resolve, reject) =>
      createSafeLookup(allow)('localhost', { all: false }, (err, address) => err ? reject(err) : resolve(address)))
    await expect(lookup(false)).rejects.toMatchObject({ code: 'EADDRNOTALLOWED' })
    await expect(lookup(true)).resolves.toMatch(/^(127\.0\.0\.1|::1)$/)
  })
})

describe('sendWebhook', () => {
  it('delivers on 2xx with the exact body and headers', async () => {
    const receiver = await startReceiver(() => 204)
    expect(await send(receiver.url)).toEqual({ outcome: 'delivered', statusCode: 204 })
    expect(receiver.received[0]).toMatchObject({ body: '{"id":"evt"}', headers: { 'content-type': 'application/json', 'x-kash-event-id': 'evt', 'content-length': '12' } })
  })

  it.each([[500, 'retry'], [503, 'retry'], [408, 'retry'], [429, 'retry'], [400, 'fail'], [404, 'fail'], [410, 'fail']])('treats HTTP %i as %s', async (status, outcome) => {
    const receiver = await startReceiver(() => status)
    expect(await send(receiver.url)).toEqual({ outcome, statusCode: status, error: `HTTP ${status}` })
  })

  it('does not follow a redirect', async () => {
    const target = await startReceiver()
    const receiver = await startReceiver(() => 302)
    expect(await send(receiver.url)).toMatchObject({ outcome: 'fail', statusCode: 302, error: 'redirect not followed (HTTP 302)' })
    expect(target.received).toHaveLength(0)
  })

  it('retries after a timeout and after a refused connection', async () => {
    const receiver = await startReceiver(() => 'hang')
    expect(await send(receiver.url, true, 300)).toEqual({ outcome: 'retry', statusCode: null, error: 'timeout after 300 ms' })
    expect(await send('http://127.0.0.1:1/hooks')).toMatchObject({ outcome: 'retry', statusCode: null, error: expect.stringMatching(/^ECONNREFUSED/) })
  })

  it('refuses private addresses, literal or resolved, before sending anything', async () => {
    const receiver = await startReceiver()
    expect(await send(receiver.url, false)).toMatchObject({ outcome: 'fail', error: expect.stringMatching(/^address not allowed/) })
    expect(await send(`http://localhost:${receiver.port}/hooks`, false)).toMatchObject({ outcome: 'fail', error: expect.stringMatching(/^address not allowed/) })
    expect(await send(`http://[::1]:${receiver.port}/hooks`, false)).toMatchObject({ outcome: 'fail' })
    expect(receiver.received).toHaveLength(0)
  })

  it('fails a URL that is not http(s)', async () => {
    expect(await send('ftp://example.com/x')).toEqual({ outcome: 'fail', statusCode: null, error: 'invalid webhook URL' })
    expect(await send('not a url')).toEqual({ outcome: 'fail', statusCode: null, error: 'invalid webhook URL' })
  })
})
