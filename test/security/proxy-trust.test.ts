import { beforeAll, describe, expect, it } from 'vitest'
import { buildTestContext, createTestDatabase } from '../helper.js'

let databaseUrl: string
beforeAll(async () => { databaseUrl = await createTestDatabase() })

const SECRET_PATH = '/v1/auth/api-keys/me/webhook-secret'

/**
 * The API behind one proxy on loopback (app.inject's remote address): the proxy appends the address
 * it saw to whatever X-Forwarded-For the client sent, as nginx's $proxy_add_x_forwarded_for and an
 * ALB do.
 */
async function behindProxy (trustProxy: string) {
  const ctx = await buildTestContext({ databaseUrl, worker: false, env: { TRUST_PROXY: trustProxy } })
  const key = await ctx.createKey({ ipAllowlist: ['10.0.0.0/8'] })
  const viaProxy = (clientHeader: string | undefined, realClient: string) => ctx.app.inject({
    method: 'GET',
    url: SECRET_PATH,
    headers: { 'x-api-key': key.apiKey, 'x-forwarded-for': clientHeader === undefined ? realClient : `${clientHeader}, ${realClient}` },
  })
  return { ctx, key, viaProxy }
}

describe('TRUST_PROXY against a key\'s IP allowlist (issue 18, item 2)', () => {
  it.each([['a hop count', '1'], ['the proxy\'s address', '127.0.0.1'], ['the proxy\'s CIDR', '127.0.0.0/8, 192.0.2.0/24']])(
    'with %s, an allowlisted address the client wrote before the proxy\'s entry does not pass', async (_what, trustProxy) => {
      const { ctx, key, viaProxy } = await behindProxy(trustProxy)
      const spoofed = await viaProxy('10.1.2.3', '203.0.113.5')
      expect({ status: spoofed.statusCode, code: spoofed.headers['x-error-code'] }).toEqual({ status: 403, code: 'IP_NOT_ALLOWED' })
      const real = await viaProxy('198.51.100.9', '10.1.2.3')
      expect(real.statusCode).toBe(200)
      const direct = await viaProxy(undefined, '10.9.9.9')
      expect(direct.statusCode).toBe(200)
      // The audit trail records the address the proxy saw, not the one the client claimed.
      const { rows } = await ctx.pool.query('select host(source_ip) as ip from audit_events where api_key_id = $1 and source_ip is not null', [key.apiKeyId])
      expect(rows.map((r) => r.ip)).not.toContain('10.1.2.3')
    })

  it('trusts no header from a peer that is not a listed proxy', async () => {
    const { viaProxy } = await behindProxy('192.0.2.0/24')
    const res = await viaProxy(undefined, '10.1.2.3') // the peer is 127.0.0.1, not a proxy: its header is ignored
    expect({ status: res.statusCode, code: res.headers['x-error-code'] }).toEqual({ status: 403, code: 'IP_NOT_ALLOWED' })
  })
})
