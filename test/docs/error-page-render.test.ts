import { marked } from 'marked'
import { describe, expect, it } from 'vitest'
import { renderErrorIndexHtml, renderErrorPageHtml } from '../../src/docs/error-pages-html.js'
import { renderErrorIndexMarkdown, renderErrorPageMarkdown } from '../../src/docs/error-pages-markdown.js'
import { renderLlmsTxt } from '../../src/docs/llms-txt.js'
import type { ErrorEntry } from '../../src/errors/catalogue.js'

const EVIL = '<script>alert(1)</script><img src=x onerror=alert(2)> [click](javascript:alert(3)) ![i](http://x/i.png) **bold** &lt; # \\ | ~'
const CODE = 'EVIL_CODE'

/** A crafted catalogue: every text of the entry, and of a related one, carries markup. */
const crafted: Record<string, ErrorEntry> = {
  [CODE]: {
    status: 418,
    title: `Title ${EVIL}`,
    area: 'platform',
    when: `When ${EVIL} and code \`<script>x</script>\``,
    why: `# Why ${EVIL}`,
    fix: [{ if: `If ${EVIL}`, then: `Then ${EVIL}` }, { if: '1. numbered', then: '- dash' }],
    headers: [{ name: 'X-<script>', meaning: `Meaning ${EVIL}` }, { name: 'X-`tick`', meaning: '`<b>`' }],
    related: ['OTHER'],
    retrySafe: false,
    exampleExtensions: { note: EVIL },
  },
  OTHER: { status: 400, title: `Other ${EVIL}`, area: 'rotation', when: 'w', why: 'y', fix: 'f', headers: [], related: [CODE], retrySafe: true },
}

/** Elements and attributes that would mean catalogue text became markup. */
function expectNoInjectedMarkup (html: string) {
  expect(html).not.toMatch(/<script/i)
  expect(html).not.toMatch(/<img/i)
  expect(html).not.toMatch(/<[^>]*\sonerror=/i)
  expect(html).not.toMatch(/href="javascript:/i)
  expect(html).not.toMatch(/<b>/)
  expect(html).not.toMatch(/<strong>bold/)
}

describe('error page renderers', () => {
  it('escape every catalogue text in the HTML page, so a <script> in the catalogue shows as text', () => {
    const page = renderErrorPageHtml(CODE, crafted)
    expectNoInjectedMarkup(page)
    expect(page).toContain('Title &lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;')
    expect(page).toContain('<code>&lt;script&gt;x&lt;/script&gt;</code>')
    expect(page).toContain('<dt><code>X-&lt;script&gt;</code></dt>')
    expect(page).toContain('&amp;lt;')
    expect(page).toContain('&quot;note&quot;: &quot;&lt;script&gt;')
    expectNoInjectedMarkup(renderErrorIndexHtml(crafted))
  })

  it('escape every catalogue text in the Markdown page, so it renders as the same text in a Markdown viewer', async () => {
    const md = renderErrorPageMarkdown(CODE, crafted)
    const rendered = await marked.parse(md)
    expectNoInjectedMarkup(rendered)
    expect(rendered).toContain('Title &lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt; [click](javascript:alert(3)) ![i](http://x/i.png) **bold** &amp;lt; # \\ | ~')
    expect(rendered).toContain('<code>&lt;script&gt;x&lt;/script&gt;</code>')
    expect(rendered).toContain('<code>X-`tick`</code>')
    expect(rendered).toContain('<p># Why')
    expect(rendered).toContain('<strong>1. numbered:</strong> - dash')
    // The page's own headings, lists and links still render as such.
    expect(rendered).toMatch(/<h2>How to fix<\/h2>/)
    expect(rendered).toContain('<a href="/v1/errors/OTHER.md"><code>OTHER</code></a>')
    for (const other of [renderErrorIndexMarkdown(crafted), renderLlmsTxt(crafted)]) expectNoInjectedMarkup(await marked.parse(other))
  })
})
