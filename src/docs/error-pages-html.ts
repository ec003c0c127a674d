import { textSegments } from '../errors/catalogue-text.js'
import { errorPageModel, errorPagePath, ERRORS_INDEX_PATH, groupByArea, markdownUrl, SECTIONS, type Catalogue } from './error-page-model.js'
import { html, SafeHtml } from './html.js'
import { PAGE_CSS } from './page-style.js'

export const LLMS_TXT_PATH = '/llms.txt'
export const DOCS_UI_PATH = '/v1/docs'

/** Catalogue text as HTML: escaped prose, `code` marks as <code>. */
function inline (text: string): SafeHtml {
  return html`${textSegments(text).map((s) => s.code ? html`<code>${s.text}</code>` : html`${s.text}`)}`
}

function layout (title: string, markdownPath: string, nav: SafeHtml, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="alternate" type="text/markdown" href="${markdownPath}">
<style>${new SafeHtml(PAGE_CSS)}</style>
</head>
<body>
<header>${nav}</header>
<main>
${body}
</main>
<footer><p><a href="${markdownPath}">This page as Markdown</a> · <a href="${ERRORS_INDEX_PATH}">All error codes</a> · <a href="${DOCS_UI_PATH}">API reference</a> · <a href="${LLMS_TXT_PATH}">llms.txt</a></p></footer>
</body>
</html>
`.value
}

function section (id: string, heading: string, content: SafeHtml): SafeHtml {
  return html`<section aria-labelledby="${id}">
<h2 id="${id}">${heading}</h2>
${content}
</section>
`
}

/** One code's page: the seed page's sections, every text from the entry, escaped. */
export function renderErrorPageHtml (code: string, catalogue: Catalogue): string {
  const m = errorPageModel(code, catalogue[code]!, catalogue)
  const fix = m.fix.length === 1 && m.fix[0]!.if === undefined
    ? html`<p>${inline(m.fix[0]!.then)}</p>`
    : html`<ul>${m.fix.map((c) => html`<li><strong>${inline(c.if ?? '')}:</strong> ${inline(c.then)}</li>`)}</ul>`
  const headers = html`<dl>${m.headers.map((h) => html`<dt><code>${h.name}</code></dt><dd>${inline(h.meaning)}</dd>`)}</dl>`
  const related = m.related.length === 0
    ? html`<p>None.</p>`
    : html`<ul>${m.related.map((r) => html`<li><a href="${errorPagePath(r.code)}"><code>${r.code}</code></a> — ${r.title}${r.status === null ? '' : html` (${r.status})`}</li>`)}</ul>`
  const body = html`<h1>${m.entry.title}</h1>
<p class="meta">HTTP status <strong>${m.entry.status}</strong> · code <code>${code}</code> · ${m.areaTitle}</p>
${section('when', SECTIONS.when, html`<p>${inline(m.entry.when)}</p>`)}
${section('why', SECTIONS.why, html`<p>${inline(m.entry.why)}</p>`)}
${section('fix', SECTIONS.fix, fix)}
${section('headers', SECTIONS.headers, headers)}
${section('related', SECTIONS.related, related)}
${section('retry', SECTIONS.retry, html`<p>${inline(m.retrySafe)}</p>`)}
${section('example', SECTIONS.example, html`<pre><code>${m.example}</code></pre>`)}`
  const nav = html`<nav aria-label="Breadcrumb"><a href="${ERRORS_INDEX_PATH}">All error codes</a></nav>`
  return layout(`${m.entry.title} (${m.entry.status}) · ${code}`, markdownUrl(m.path), nav, body)
}

/** The catalogue's index: every code grouped by area, with status and title, linked. */
export function renderErrorIndexHtml (catalogue: Catalogue): string {
  const groups = groupByArea(catalogue).map((g) => section(`area-${g.area}`, g.title, html`<ul>${g.codes.map(({ code, entry }) =>
    html`<li><span class="status">${entry.status}</span> <a href="${errorPagePath(code)}"><code>${code}</code></a> — ${entry.title}</li>`)}</ul>`))
  const body = html`<h1>Error codes</h1>
<p class="meta">Every error is an RFC 9457 problem (<code>application/problem+json</code>) whose <code>type</code> links to its code's page here.</p>
${groups}`
  const nav = html`<nav aria-label="Documentation"><a href="${DOCS_UI_PATH}">API reference</a></nav>`
  return layout('Error codes', markdownUrl(ERRORS_INDEX_PATH), nav, body)
}
