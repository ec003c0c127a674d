import { beforeAll, describe, expect, it } from 'vitest'
import { createOperator } from '../../fixtures/operators.js'
import { buildTestContext, createTestDatabase, type TestContext } from '../../helper.js'

let databaseUrl: string
beforeAll(async () => { databaseUrl = await createTestDatabase() })

/** Signs in the way the browser form does: fetch the page for its CSRF cookie and token, post the token. */
async function signIn (ctx: TestContext, token: string, host = '127.0.0.1') {
  const form = await ctx.app.inject({ method: 'GET', url: '/admin/sign-in', headers: { host } })
  const csrfCookie = form.cookies.find((c) => c.name === 'op_csrf')!
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/admin/sign-in',
    headers: { host, cookie: `op_csrf=${csrfCookie.value}`, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: csrf, token }).toString(),
  })
  const session = res.cookies.find((c) => c.name === 'op_session')
  return { res, session, cookie: session ? `op_session=${session.value}` : '' }
}

const home = (ctx: TestContext, cookie: string) => ctx.app.inject({ method: 'GET', url: '/admin', headers: { cookie } })

describe('operator console sessions', () => {
  it('sets a session cookie that is HttpOnly, SameSite=Strict, scoped to /admin and Secure unless reached on loopback', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false })
    const operator = await createOperator(ctx, 'cookie-check')
    const local = await signIn(ctx, operator.token)
    expect(local.res.statusCode).toBe(303)
    expect(local.session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/admin', maxAge: 1800 })
    expect(local.session!.secure).toBeFalsy()
    const remote = await signIn(ctx, operator.token, 'console.example.com')
    expect(remote.session).toMatchObject({ httpOnly: true, sameSite: 'Strict', secure: true })
    const page = await home(ctx, local.cookie)
    expect(page.statusCode).toBe(200)
    expect(page.headers['content-security-policy']).toContain("default-src 'none'")
    expect(page.headers['cache-control']).toBe('no-store')
  })

  it('ends every session of an operator whose token is revoked', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false })
    const operator = await createOperator(ctx, 'leaver')
    const { cookie } = await signIn(ctx, operator.token)
    expect((await home(ctx, cookie)).statusCode).toBe(200)
    await ctx.pool.query('update operator_tokens set revoked_at = now() where name = $1', [operator.name])
    const after = await home(ctx, cookie)
    expect(after.statusCode).toBe(303)
    expect(after.headers.location).toBe('/admin/sign-in')
    expect((await signIn(ctx, operator.token)).res.statusCode).toBe(401)
  })

  it('ends a session when it expires or the operator signs out', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false })
    const operator = await createOperator(ctx, 'session-end')
    const expiring = await signIn(ctx, operator.token)
    await ctx.pool.query("update operator_sessions set expires_at = now() - interval '1 second'")
    expect((await home(ctx, expiring.cookie)).statusCode).toBe(303)

    const { cookie } = await signIn(ctx, operator.token)
    const page = await home(ctx, cookie)
    const csrfCookie = page.cookies.find((c) => c.name === 'op_csrf')!
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!
    const out = await ctx.app.inject({
      method: 'POST',
      url: '/admin/sign-out',
      headers: { cookie: `${cookie}; op_csrf=${csrfCookie.value}`, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `_csrf=${encodeURIComponent(csrf)}`,
    })
    expect(out.statusCode).toBe(303)
    expect((await home(ctx, cookie)).statusCode).toBe(303)
  })

  it('opens the queue dashboard with a session cookie or a bearer token, and sends a browser without either to sign in', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false })
    const operator = await createOperator(ctx, 'queues')
    const { cookie } = await signIn(ctx, operator.token)
    expect((await ctx.app.inject({ method: 'GET', url: '/admin/queues', headers: { cookie } })).statusCode).toBe(200)
    expect((await ctx.app.inject({ method: 'GET', url: '/admin/queues', headers: { authorization: `Bearer ${operator.token}` } })).statusCode).toBe(200)
    const browser = await ctx.app.inject({ method: 'GET', url: '/admin/queues', headers: { accept: 'text/html' } })
    expect(browser.statusCode).toBe(303)
    expect(browser.headers.location).toBe('/admin/sign-in')
    const script = await ctx.app.inject({ method: 'GET', url: '/admin/queues' })
    expect(script.statusCode).toBe(401)
    expect(script.headers['x-error-code']).toBe('OPERATOR_TOKEN_MISSING')
  })
})
