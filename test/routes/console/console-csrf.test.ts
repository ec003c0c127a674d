import { randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { cookiePairs, CSRF_FIELD, pageForm, postForm, signIn } from '../../fixtures/console.js'
import { createOperator } from '../../fixtures/operators.js'
import { buildTestContext, createTestDatabase, type TestContext } from '../../helper.js'

let databaseUrl: string
beforeAll(async () => { databaseUrl = await createTestDatabase() })

/** A signed-in operator on the page of a key that has a previous secret to expire. */
async function operatorOnKeyPage (ctx: TestContext, headers: Record<string, string> = {}) {
  const key = await ctx.createKey()
  expect((await ctx.rotate(key.apiKey, { idempotencyKey: randomUUID() })).statusCode).toBe(200)
  const operator = await createOperator(ctx, `op-${randomUUID().slice(0, 8)}`)
  const signedIn = await signIn(ctx, operator.token, headers)
  expect(signedIn.res.statusCode).toBe(303)
  const keyPage = `/admin/keys/${key.apiKeyId}`
  // Everything the browser holds for the console: the sign-in form's CSRF cookie and the session.
  const form = await pageForm(ctx, keyPage, [...signedIn.signInForm.cookies, signedIn.cookie].join('; '), headers)
  const jar = form.cookies
  const expire = (cookie: string, csrf: string, extra: Record<string, string> = {}) => postForm(ctx, `${keyPage}/expire-previous`, {
    cookie, headers: { ...headers, ...extra }, fields: { _csrf: csrf, reason: 'previous leaked', confirm: 'yes', idempotencyKey: randomUUID() },
  })
  const previousKept = async () => (await ctx.secretSlots(key.apiKeyId)).previous !== null
  return { key, operator, signedIn, form, jar, expire, previousKept }
}

const OWN = { host: '127.0.0.1:3000', origin: 'http://127.0.0.1:3000', 'sec-fetch-site': 'same-origin' }

describe('console CSRF (issue 18, items 1 and 7)', () => {
  it('refuses a form carrying a token made for a cookie a sibling subdomain planted, as a browser sends both cookies', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const victim = await operatorOnKeyPage(ctx)
    const victimCsrfCookie = victim.signedIn.signInForm.cookies.find((c) => c.startsWith('op_csrf='))!
    // The attacker's own op_csrf and a token for it, from the public sign-in page.
    const attackerForm = await ctx.app.inject({ method: 'GET', url: '/admin/sign-in' })
    const attackerCookie = cookiePairs(attackerForm).find((c) => c.startsWith('op_csrf='))!
    const attackerToken = CSRF_FIELD.exec(attackerForm.body)![1]!

    // The planted cookie (path /admin/keys) comes first; the victim's own after the session.
    const planted = await victim.expire(`${attackerCookie}; ${victim.signedIn.cookie}; ${victimCsrfCookie}`, attackerToken)
    expect({ status: planted.statusCode, code: planted.headers['x-error-code'] }).toEqual({ status: 403, code: 'CSRF_TOKEN_INVALID' })
    // Without the victim's cookie too: the token is not this session's.
    const alone = await victim.expire(`${attackerCookie}; ${victim.signedIn.cookie}`, attackerToken)
    expect({ status: alone.statusCode, code: alone.headers['x-error-code'] }).toEqual({ status: 403, code: 'CSRF_TOKEN_INVALID' })
    expect(await victim.previousKept()).toBe(true)

    // The victim's own form, from the console's origin, still works.
    const own = await victim.expire(victim.jar.join('; '), victim.form.csrf!, OWN)
    expect(own.statusCode).toBe(303)
    expect(await victim.previousKept()).toBe(false)
  })

  it('refuses forms the browser says came from another origin, the sign-in form too, before anything runs', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const op = await operatorOnKeyPage(ctx)
    const cookie = op.jar.join('; ')
    for (const headers of <Array<Record<string, string>>>[
      { host: '127.0.0.1:3000', origin: 'https://evil.console.example.com', 'sec-fetch-site': 'same-site' },
      { host: '127.0.0.1:3000', 'sec-fetch-site': 'cross-site' },
      { host: '127.0.0.1:3000', origin: 'https://evil.console.example.com' },
      { host: '127.0.0.1:3000', origin: 'null' },
    ]) {
      const res = await op.expire(cookie, op.form.csrf!, headers)
      expect({ headers, status: res.statusCode, code: res.headers['x-error-code'] }).toEqual({ headers, status: 403, code: 'CROSS_ORIGIN_REQUEST' })
      expect(res.body).toContain('Nothing was changed')
    }
    expect(await op.previousKept()).toBe(true)
    const signInForm = await ctx.app.inject({ method: 'GET', url: '/admin/sign-in' })
    const crossSignIn = await postForm(ctx, '/admin/sign-in', {
      cookie: cookiePairs(signInForm).join('; '),
      headers: { origin: 'https://evil.example.com' },
      fields: { _csrf: CSRF_FIELD.exec(signInForm.body)![1]!, token: op.operator.token },
    })
    expect(crossSignIn.statusCode).toBe(403)
    expect(crossSignIn.cookies.map((c) => c.name)).not.toContain('op_session')
  })

  it('renews the token at sign-in: a page from an earlier session no longer submits', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const first = await operatorOnKeyPage(ctx)
    const again = await signIn(ctx, first.operator.token)
    const cookie = [...first.jar.filter((c) => !c.startsWith('op_session=')), again.cookie].join('; ')
    const stale = await first.expire(cookie, first.form.csrf!, OWN)
    expect({ status: stale.statusCode, code: stale.headers['x-error-code'] }).toEqual({ status: 403, code: 'CSRF_TOKEN_INVALID' })
    expect(await first.previousKept()).toBe(true)
  })

  it('makes the cookies Secure and __Host- from PUBLIC_URL, whatever Host the proxy forwards', async () => {
    const ctx = await buildTestContext({ databaseUrl, env: { PUBLIC_URL: 'https://ops.example.com', TRUST_PROXY: 'loopback' } })
    // nginx's default: Host is the upstream's address, the scheme only in X-Forwarded-Proto.
    const viaProxy = { host: '127.0.0.1:3000', 'x-forwarded-proto': 'https', origin: 'https://ops.example.com', 'sec-fetch-site': 'same-origin' }
    const op = await operatorOnKeyPage(ctx, viaProxy)
    expect(op.signedIn.session).toMatchObject({ name: '__Host-op_session', secure: true, path: '/', httpOnly: true, sameSite: 'Strict' })
    expect(op.signedIn.session!.domain).toBeUndefined()
    const csrfCookie = (await ctx.app.inject({ method: 'GET', url: '/admin/sign-in', headers: { host: '127.0.0.1:3000' } })).cookies[0]
    expect(csrfCookie).toMatchObject({ name: '__Host-op_csrf', secure: true, path: '/' })
    const res = await op.expire(op.jar.join('; '), op.form.csrf!)
    expect(res.statusCode).toBe(303)
    // A form from the proxy's upstream address is not from the console's public origin.
    const upstream = await op.expire(op.jar.join('; '), op.form.csrf!, { origin: 'http://127.0.0.1:3000', 'sec-fetch-site': 'same-origin' })
    expect(upstream.headers['x-error-code']).toBe('CROSS_ORIGIN_REQUEST')

    const dev = await buildTestContext({ databaseUrl, worker: false, env: { PUBLIC_URL: 'http://localhost:3000' } })
    const devOperator = await createOperator(dev, 'dev')
    const local = await signIn(dev, devOperator.token, { host: 'console.example.com' })
    expect(local.session).toMatchObject({ name: 'op_session', path: '/admin' })
    expect(local.session!.secure).toBeFalsy()
  })
})
