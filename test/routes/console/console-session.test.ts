import { beforeAll, describe, expect, it } from 'vitest'
import { pageForm, postForm, signIn } from '../../fixtures/console.js'
import { createOperator } from '../../fixtures/operators.js'
import { buildTestContext, createTestDatabase, type TestContext } from '../../helper.js'

let databaseUrl: string
beforeAll(async () => { databaseUrl = await createTestDatabase() })

const home = (ctx: TestContext, cookie: string) => ctx.app.inject({ method: 'GET', url: '/admin', headers: { cookie } })

describe('operator console sessions', () => {
  it('sets a session cookie that is HttpOnly, SameSite=Strict, scoped to /admin and not Secure for a console on loopback', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false })
    const operator = await createOperator(ctx, 'cookie-check')
    const local = await signIn(ctx, operator.token)
    expect(local.res.statusCode).toBe(303)
    expect(local.session).toMatchObject({ name: 'op_session', httpOnly: true, sameSite: 'Strict', path: '/admin', maxAge: 1800 })
    expect(local.session!.secure).toBeFalsy()
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
    const form = await pageForm(ctx, '/admin', cookie)
    const out = await postForm(ctx, '/admin/sign-out', { cookie: form.cookies.join('; '), fields: { _csrf: form.csrf! } })
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
