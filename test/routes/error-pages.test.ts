import { randomUUID } from 'node:crypto'
import type { LightMyRequestResponse } from 'fastify'
import { beforeAll, describe, expect, it } from 'vitest'
import { SECTIONS } from '../../src/docs/error-page-model.js'
import { ERROR_CATALOGUE, ERROR_CODES, PROBLEM_HEADERS } from '../../src/errors/catalogue.js'
import { buildTestContext, createTestDatabase, json, type TestContext } from '../helper.js'

let databaseUrl: string
beforeAll(async () => { databaseUrl = await createTestDatabase() })

const COOLDOWN = '/v1/errors/WEBHOOK_SECRET_ROTATION_COOLDOWN'
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8'

function get (ctx: TestContext, url: string, accept?: string) {
  return ctx.app.inject({ method: 'GET', url, headers: accept === undefined ? {} : { accept } })
}

function kind (res: LightMyRequestResponse) {
  const type = String(res.headers['content-type'])
  if (type.startsWith('text/html')) return 'html'
  if (type.startsWith('text/markdown')) return 'markdown'
  if (type.startsWith('application/json')) return 'json'
  return type
}

/** Every href of an HTML page, and every link target of a Markdown text. */
function linksOf (body: string): string[] {
  const html = [...body.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!.replaceAll('&amp;', '&'))
  const md = [...body.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!)
  return [...html, ...md]
}

describe('GET /v1/errors/{code} content negotiation', () => {
  it('answers a browser\'s Accept with the HTML page', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false })
    const res = await get(ctx, COOLDOWN, BROWSER_ACCEPT)
    expect(res.statusCode).toBe(200)
    expect(kind(res)).toBe('html')
    expect(res.headers['content-type']).toContain('charset=utf-8')
    expect(res.headers.vary).toMatch(/accept/i)
    expect(res.body).toMatch(/^<!doctype html>/)
    expect(res.body).toContain('<h1>Rotation cooldown active</h1>')
  })

  it('answers Accept: text/markdown with the same page as Markdown', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false })
    const res = await get(ctx, COOLDOWN, 'text/markdown')
    expect(res.statusCode).toBe(200)
    expect(kind(res)).toBe('markdown')
    expect(res.body).toMatch(/^# Rotation cooldown active\n/)
    const md = await get(ctx, `${COOLDOWN}.md`)
    expect(kind(md)).toBe('markdown')
    expect(md.body).toBe(res.body)
  })

  it('answers JSON to application/json, to */*, to an Accept it cannot serve, and without an Accept header', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false })
    for (const accept of ['application/json', '*/*', 'image/png', 'application/problem+json', undefined]) {
      const res = await get(ctx, COOLDOWN, accept)
      expect(res.statusCode, String(accept)).toBe(200)
      expect(kind(res), String(accept)).toBe('json')
      expect(json(res).error).toMatchObject({ code: 'WEBHOOK_SECRET_ROTATION_COOLDOWN', status: 429 })
    }
  })

  it('honours q-values: the highest-weighted type it can serve wins, and q=0 refuses a type', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false })
    const cases: [string, string][] = [
      ['text/html;q=0.5, text/markdown;q=0.9', 'markdown'],
      ['text/markdown;q=0.2, application/json;q=0.4, text/html', 'html'],
      ['text/html;q=0.1, application/json', 'json'],
      ['text/html;q=0, */*;q=0.1', 'json'],
      ['text/markdown, text/html;q=0.99', 'markdown'],
      ['text/*;q=0.3, application/json;q=0.2', 'html'],
    ]
    for (const [accept, expected] of cases) expect(kind(await get(ctx, COOLDOWN, accept)), accept).toBe(expected)
  })

  it('answers the index in the same three forms', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false })
    expect(kind(await get(ctx, '/v1/errors', BROWSER_ACCEPT))).toBe('html')
    expect(kind(await get(ctx, '/v1/errors', 'text/markdown'))).toBe('markdown')
    expect(kind(await get(ctx, '/v1/errors.md'))).toBe('markdown')
    expect(kind(await get(ctx, '/v1/errors', '*/*'))).toBe('json')
    expect(kind(await get(ctx, '/v1/errors'))).toBe('json')
  })

  it('answers an unknown code with a 404 problem whatever the Accept', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false })
    for (const [url, accept] of [['/v1/errors/NOPE', BROWSER_ACCEPT], ['/v1/errors/NOPE.md', undefined], ['/v1/errors/NOPE', 'text/markdown']] as const) {
      const res = await get(ctx, url, accept)
      expect(res.statusCode, url).toBe(404)
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
      expect(res.headers['x-error-code']).toBe('RESOURCE_NOT_FOUND')
    }
  })
})

describe('error pages', () => {
  it('give every code every section, in HTML and in Markdown, with its headers and related codes', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false })
    for (const code of ERROR_CODES) {
      const entry = ERROR_CATALOGUE[code]
      const page = (await get(ctx, `/v1/errors/${code}`, 'text/html')).body
      const md = (await get(ctx, `/v1/errors/${code}`, 'text/markdown')).body
      expect(page, code).toContain(`<p class="meta">HTTP status <strong>${entry.status}</strong> · code <code>${code}</code>`)
      expect(md, code).toContain(`HTTP status: ${entry.status} · Code: \`${code}\``)
      for (const heading of Object.values(SECTIONS)) {
        expect(page, `${code}: ${heading}`).toMatch(new RegExp(`<h2 id="\\w+">${heading.replace('?', '\\?')}</h2>\\n\\S`))
        expect(md, `${code}: ${heading}`).toMatch(new RegExp(`\\n## ${heading.replace('?', '\\?')}\\n\\n\\S`))
      }
      for (const header of [...entry.headers, ...PROBLEM_HEADERS]) {
        expect(page, `${code}: ${header.name}`).toContain(`<dt><code>${header.name}</code></dt>`)
        expect(md, `${code}: ${header.name}`).toContain(`- \`${header.name}\`: `)
      }
      for (const related of entry.related) {
        expect(page, `${code} → ${related}`).toContain(`<a href="/v1/errors/${related}"><code>${related}</code></a>`)
        expect(md, `${code} → ${related}`).toContain(`[\`${related}\`](/v1/errors/${related}.md)`)
      }
      expect(page).toContain(`&quot;code&quot;: &quot;${code}&quot;`)
    }
  })

  it('list every code on the index, grouped by area, with its status and title, linked to its page', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false })
    const page = (await get(ctx, '/v1/errors', 'text/html')).body
    for (const area of ['Authentication', 'Idempotency', 'Rotation', 'Deliveries', 'Operator', 'Platform']) expect(page).toContain(`>${area}</h2>`)
    for (const code of ERROR_CODES) {
      const { status, title } = ERROR_CATALOGUE[code]
      expect(page, code).toContain(`<li><span class="status">${status}</span> <a href="/v1/errors/${code}"><code>${code}</code></a> — ${title}</li>`)
    }
    const cooldownAt = page.indexOf('/v1/errors/WEBHOOK_SECRET_ROTATION_COOLDOWN"')
    expect(page.lastIndexOf('<h2', cooldownAt)).toBe(page.indexOf('>Rotation</h2>') - '<h2 id="area-rotation"'.length)
  })

  it('serve HTML with a strict Content-Security-Policy, no script and a phone-width viewport', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false })
    for (const url of ['/v1/errors', COOLDOWN]) {
      const res = await get(ctx, url, 'text/html')
      const csp = String(res.headers['content-security-policy'])
      expect(csp).toContain("default-src 'none'")
      expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+'(;|$)/)
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|script-src/)
      expect(res.headers['x-content-type-options']).toBe('nosniff')
      expect(res.body).not.toMatch(/<script|\son\w+=/i)
      expect(res.body).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">')
      expect(res.body).toContain('<html lang="en">')
    }
  })

  it('link only to pages that answer 200, from every page, every Markdown page and llms.txt', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false })
    const sources = ['/v1/errors', '/v1/errors.md', '/llms.txt', ...ERROR_CODES.flatMap((c) => [`/v1/errors/${c}`, `/v1/errors/${c}.md`])]
    const links = new Set<string>()
    for (const source of sources) {
      const res = await get(ctx, source, 'text/html')
      expect(res.statusCode, source).toBe(200)
      const found = linksOf(res.body)
      expect(found.length, source).toBeGreaterThan(0)
      for (const link of found) links.add(link)
    }
    for (const code of ERROR_CODES) expect(links).toContain(`/v1/errors/${code}.md`)
    for (const link of links) {
      expect(link, 'links are paths on this service').toMatch(/^\/[^/]/)
      const res = await get(ctx, link, 'text/html')
      expect(res.statusCode, link).toBe(200)
    }
  })
})

/** Opens the problem's `type` as a browser would and checks its page documents each header the problem carried. */
async function expectPageDocumentsHeaders (ctx: TestContext, problem: LightMyRequestResponse) {
  const page = await get(ctx, json(problem).type, BROWSER_ACCEPT)
  expect(kind(page)).toBe('html')
  const documented = [...page.body.matchAll(/<dt><code>([^<]+)<\/code><\/dt>/g)].map((m) => m[1]!.toLowerCase())
  const carried = Object.keys(problem.headers).filter((h) => h.startsWith('x-') || h === 'retry-after' || h === 'link')
  expect(carried).toContain('x-error-code')
  for (const header of carried) expect(documented, `${json(problem).code} carries ${header}`).toContain(header)
}

describe('a problem\'s type opened in a browser', () => {
  it('shows the cooldown\'s page, which documents every header the 429 carried (Retry-After, Link, rate limit)', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const key = await ctx.createKey()
    expect((await ctx.rotate(key.apiKey, { idempotencyKey: randomUUID() })).statusCode).toBe(200)
    const refused = await ctx.rotate(key.apiKey, { idempotencyKey: randomUUID() })
    expect(refused.statusCode, refused.body).toBe(429)
    expect(refused.headers.link).toBeDefined()
    await expectPageDocumentsHeaders(ctx, refused)
  })

  it('shows the rate limit\'s and a missing key\'s pages, which document every header those problems carried', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false, env: { RATE_LIMIT_PER_MINUTE: '1' } })
    const key = await ctx.createKey()
    const url = '/v1/auth/api-keys/me/webhook-secret'
    await ctx.get(key.apiKey, url)
    const limited = await ctx.get(key.apiKey, url)
    expect(limited.statusCode, limited.body).toBe(429)
    expect(json(limited).code).toBe('RATE_LIMIT_EXCEEDED')
    await expectPageDocumentsHeaders(ctx, limited)
    const missing = await get(ctx, url)
    expect(missing.statusCode).toBe(401)
    await expectPageDocumentsHeaders(ctx, missing)
  })
})

describe('GET /llms.txt', () => {
  it('is a Markdown index of the API reference, the docs UI and every error page\'s Markdown URL', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false })
    const res = await get(ctx, '/llms.txt')
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toMatch(/^text\/plain; charset=utf-8/)
    expect(res.body).toMatch(/^# Webhook secret rotation\n\n> /)
    expect(res.body).toContain('[OpenAPI 3.1 document](/v1/openapi.json)')
    expect(res.body).toContain('[API docs UI](/v1/docs)')
    expect(res.body).toContain('[Error catalogue](/v1/errors.md)')
    for (const code of ERROR_CODES) expect(res.body, code).toContain(`- [\`${code}\`](/v1/errors/${code}.md): ${ERROR_CATALOGUE[code].status} ${ERROR_CATALOGUE[code].title}`)
  })
})
