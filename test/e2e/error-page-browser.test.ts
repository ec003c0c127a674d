import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AxeBuilder } from '@axe-core/playwright'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { SECTIONS } from '../../src/docs/error-page-model.js'
import { buildTestContext, createTestDatabase, type TestContext } from '../helper.js'

// Debian's chromium, never a downloaded one: playwright-core downloads nothing.
const CHROMIUM = '/usr/bin/chromium'
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
const ARTIFACTS_DIR = 'test-artifacts'
const PAGE = '/v1/errors/WEBHOOK_SECRET_ROTATION_COOLDOWN'

let databaseUrl: string
let origin: string
let browser: BrowserContext
let userDataDir: string

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`The browser test needs Chromium at ${CHROMIUM}: apt-get install -y chromium (.ci/run installs it when missing).`)
  }
  databaseUrl = await createTestDatabase()
  userDataDir = await mkdtemp(join(tmpdir(), 'error-page-chromium-'))
  // Playwright takes the fresh --user-data-dir as this argument (it refuses it among the flags).
  browser = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1280, height: 900 } })
  await mkdir(ARTIFACTS_DIR, { recursive: true })
}, 120_000)

afterAll(async () => {
  await browser?.close()
  if (userDataDir) await rm(userDataDir, { recursive: true, force: true })
})

/** Opens a path as a person would, collecting what the page logs as an error (CSP refusals among them). */
async function open (path: string) {
  // The context closes itself when the test finishes.
  const ctx: TestContext = await buildTestContext({ databaseUrl, worker: false })
  origin = await ctx.app.listen({ port: 0, host: '127.0.0.1' })
  // Chromium keeps (and preconnects) sockets that server.close() would wait on; runs before the close above.
  onTestFinished(() => ctx.app.server.closeAllConnections())
  const page = await browser.newPage()
  const errors: string[] = []
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()) })
  page.on('pageerror', (err) => errors.push(err.message))
  const response = await page.goto(`${origin}${path}`)
  return { page, response, errors }
}

function section (page: Page, heading: string) {
  return page.locator('section').filter({ has: page.getByRole('heading', { level: 2, name: heading, exact: true }) })
}

describe('the cooldown error page in Chromium', () => {
  it('shows the HTML page with every section to the browser\'s own Accept header, styled under its CSP', async () => {
    const { page, response, errors } = await open(PAGE)
    expect(response?.status()).toBe(200)
    expect(response?.headers()['content-type']).toMatch(/^text\/html/)
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Rotation cooldown active')
    expect(await page.locator('.meta').innerText()).toContain('429')
    for (const heading of Object.values(SECTIONS)) {
      const s = section(page, heading)
      expect(await s.isVisible(), heading).toBe(true)
      expect((await s.innerText()).length, heading).toBeGreaterThan(heading.length + 10)
    }
    expect(await section(page, SECTIONS.fix).locator('li').count()).toBe(3)
    expect(await section(page, SECTIONS.headers).innerText()).toMatch(/Retry-After[\s\S]*Link/)
    // The hashed inline style applied: the CSP let it through and refused nothing.
    // (Page scripts are strings: the project compiles without the DOM library.)
    expect(await page.evaluate('getComputedStyle(document.querySelector("main")).maxWidth')).not.toBe('none')
    expect(errors).toEqual([])
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'error-page-cooldown.png'), fullPage: true })
    await page.close()
  })

  it('has no serious or critical accessibility violations (axe)', async () => {
    const { page } = await open(PAGE)
    const results = await new AxeBuilder({ page }).analyze()
    const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual([])
    expect(results.passes.length).toBeGreaterThan(0)
    await page.close()
  })

  it('fits a phone\'s width without sideways scrolling', async () => {
    const { page } = await open(PAGE)
    await page.setViewportSize({ width: 360, height: 740 })
    const { scrollWidth, innerWidth } = await page.evaluate('({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth })') as { scrollWidth: number; innerWidth: number }
    expect(scrollWidth).toBeLessThanOrEqual(innerWidth)
    expect(await section(page, SECTIONS.example).isVisible()).toBe(true)
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'error-page-cooldown-phone.png'), fullPage: true })
    await page.close()
  })

  it('links to the index, where the cooldown is listed under Rotation and leads back to its page', async () => {
    const { page } = await open(PAGE)
    await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'All error codes' }).click()
    await page.waitForURL(`${origin}/v1/errors`)
    const rotation = section(page, 'Rotation')
    await rotation.getByRole('link', { name: 'WEBHOOK_SECRET_ROTATION_COOLDOWN' }).click()
    await page.waitForURL(`${origin}${PAGE}`)
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Rotation cooldown active')
    await page.close()
  })
})
