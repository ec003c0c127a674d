import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { createOperator } from '../../fixtures/operators.js'
import { launchBrowser, screenshot, type BrowserContext } from '../../fixtures/browser.js'
import { buildTestContext, createTestDatabase, type TestContext } from '../../helper.js'

let databaseUrl: string
let browser: Awaited<ReturnType<typeof launchBrowser>>
beforeAll(async () => {
  databaseUrl = await createTestDatabase()
  browser = await launchBrowser()
})
afterAll(async () => { await browser?.close() })

async function consoleApp () {
  const ctx = await buildTestContext({ databaseUrl })
  const base = await ctx.app.listen({ port: 0, host: '127.0.0.1' })
  const operator = await createOperator(ctx, `alice-${Math.random().toString(36).slice(2, 8)}`)
  const context: BrowserContext = browser.context
  await context.clearCookies()
  const page = await context.newPage()
  // Registered after the context's teardown, so it runs first. Chromium keeps (and pre-opens) sockets
  // that would hold app.close() until they time out: drop them once the page is gone.
  onTestFinished(async () => {
    await page.close()
    ctx.app.server.closeAllConnections()
  })
  return { ctx, base, operator, page }
}

async function signIn (page: Awaited<ReturnType<typeof consoleApp>>['page'], base: string, token: string) {
  await page.goto(`${base}/admin/sign-in`)
  await page.getByLabel('Operator token').fill(token)
  await page.getByRole('button', { name: 'Sign in' }).click()
}

/** Signed in, on a fresh key's page. */
async function onKeyPage () {
  const app = await consoleApp()
  const key = await app.ctx.createKey()
  await signIn(app.page, app.base, app.operator.token)
  await app.page.waitForURL(`${app.base}/admin`)
  await app.page.goto(`${app.base}/admin/keys/${key.apiKeyId}`)
  return { ...app, key }
}

async function heldSecret (ctx: TestContext, rotationId: string) {
  const { rows: [row] } = await ctx.pool.query('select held_secret is not null as held from webhook_secret_rotations where id = $1', [rotationId])
  return row.held as boolean
}

describe('the operator console in a browser', () => {
  it('refuses a wrong token on the sign-in page and sets no session', async () => {
    const { base, page } = await consoleApp()
    await page.goto(`${base}/admin`)
    expect(new URL(page.url()).pathname).toBe('/admin/sign-in') // no session: sent to sign in
    await screenshot(page, 'console-sign-in')
    await signIn(page, base, 'kash_op_' + 'x'.repeat(40))
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('not a valid operator token')
    await screenshot(page, 'console-sign-in-failed')
    expect((await browser.context.cookies(`${base}/admin`)).map((c) => c.name)).not.toContain('op_session')
  })

  it('signs in with a token into a session cookie that opens the key page and the queue dashboard', async () => {
    const { ctx, base, operator, page } = await consoleApp()
    const key = await ctx.createKey()
    await signIn(page, base, operator.token)
    await page.waitForURL(`${base}/admin`)
    const cookie = (await browser.context.cookies(`${base}/admin`)).find((c) => c.name === 'op_session')!
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', secure: false, path: '/admin' }) // not Secure on loopback only
    expect(cookie.value).not.toContain(operator.token)
    await screenshot(page, 'console-home')

    await page.getByLabel('API key id').fill(key.apiKeyId)
    await page.getByRole('button', { name: 'Open' }).click()
    await page.waitForURL(`${base}/admin/keys/${key.apiKeyId}`)
    await expect.poll(() => page.locator('h1').textContent()).toContain(key.apiKey.slice(0, 12))
    expect(await page.content()).not.toMatch(/whsec_/)
    await screenshot(page, 'console-key')

    await page.getByRole('link', { name: 'Queues' }).click()
    await page.waitForURL(`${base}/admin/queues`)
    await expect.poll(() => page.content(), { timeout: 20_000 }).toContain('webhook-secret-rotations')
    await screenshot(page, 'console-queues')
  })

  it('runs a recovery with a reason and a confirmation, shows the new secret once, and the hand-over acknowledges it', async () => {
    const { ctx, base, operator, page, key } = await onKeyPage()
    const recover = page.locator('form', { has: page.getByRole('button', { name: 'Recovery rotation' }) })
    await recover.getByLabel('Reason').fill('customer lost the secret (ticket 4711)')
    await recover.getByRole('button', { name: 'Recovery rotation' }).click()
    expect(new URL(page.url()).pathname).toBe(`/admin/keys/${key.apiKeyId}`) // the required confirmation stopped it
    await recover.getByLabel(/I confirm/).check()
    await recover.getByRole('button', { name: 'Recovery rotation' }).click()

    const shown = page.getByTestId('recovered-secret')
    await shown.waitFor()
    const secret = (await shown.textContent())!.trim()
    expect(secret).toBe((await ctx.secretSlots(key.apiKeyId)).current)
    await screenshot(page, 'console-recovered-secret')
    const { rows: [rotation] } = await ctx.pool.query(
      "select id, actor, reason from webhook_secret_rotations where api_key_id = $1 and kind = 'operator_recover'", [key.apiKeyId])
    expect(rotation).toMatchObject({ actor: operator.name, reason: 'customer lost the secret (ticket 4711)' })
    expect(await heldSecret(ctx, rotation.id)).toBe(true)

    await page.getByRole('button', { name: 'I handed it over' }).click()
    await page.waitForURL(`${base}/admin/keys/${key.apiKeyId}?done=acknowledged`)
    expect(await heldSecret(ctx, rotation.id)).toBe(false)
    const content = await page.content()
    expect(content).not.toContain(secret)
    expect(content).toContain('customer lost the secret (ticket 4711)') // the audit trail
    await screenshot(page, 'console-handed-over')
  })

  it('refuses a form that does not carry this session\'s CSRF token, and changes nothing', async () => {
    const { ctx, page, key } = await onKeyPage()
    const expire = page.locator('form', { has: page.getByRole('button', { name: 'Expire previous' }) })
    await expire.locator('input[name=_csrf]').evaluate((input) => { (input as unknown as { value: string }).value = 'forged-token' })
    await expire.getByLabel('Reason').fill('forged')
    await expire.getByLabel(/I confirm/).check()
    const [response] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), expire.getByRole('button', { name: 'Expire previous' }).click()])
    expect(response.status()).toBe(403)
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('did not come from this console session')
    await screenshot(page, 'console-csrf-refused')
    const { rows } = await ctx.pool.query('select count(*)::int as n from webhook_secret_rotations where api_key_id = $1', [key.apiKeyId])
    expect(rows[0].n).toBe(0)
  })
})
