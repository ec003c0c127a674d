import { textSegments } from '../errors/catalogue-text.js'
import { errorPageModel, errorPagePath, ERRORS_INDEX_PATH, groupByArea, markdownUrl, SECTIONS, type Catalogue } from './error-page-model.js'
import { codeBlock, codeSpan, escapeMarkdown, link } from './markdown.js'

/** Catalogue text as Markdown: escaped prose, `code` marks as code spans. */
function inline (text: string): string {
  return textSegments(text).map((s) => s.code ? codeSpan(s.text) : escapeMarkdown(s.text)).join('')
}

/** One code's page as Markdown, the same sections as the HTML page; links go to Markdown pages. */
export function renderErrorPageMarkdown (code: string, catalogue: Catalogue): string {
  const m = errorPageModel(code, catalogue[code]!, catalogue)
  const fix = m.fix.length === 1 && m.fix[0]!.if === undefined
    ? inline(m.fix[0]!.then)
    : m.fix.map((c) => `- **${inline(c.if ?? '')}:** ${inline(c.then)}`).join('\n')
  const related = m.related.length === 0
    ? 'None.'
    : m.related.map((r) => `- ${link(codeSpan(r.code), markdownUrl(errorPagePath(r.code)))} — ${escapeMarkdown(r.title)}${r.status === null ? '' : ` (${r.status})`}`).join('\n')
  return [
    `# ${escapeMarkdown(m.entry.title)}`,
    `HTTP status: ${m.entry.status} · Code: ${codeSpan(code)} · Area: ${escapeMarkdown(m.areaTitle)} · All codes: ${link('error catalogue', markdownUrl(ERRORS_INDEX_PATH))}`,
    `## ${SECTIONS.when}`, inline(m.entry.when),
    `## ${SECTIONS.why}`, inline(m.entry.why),
    `## ${SECTIONS.fix}`, fix,
    `## ${SECTIONS.headers}`, m.headers.map((h) => `- ${codeSpan(h.name)}: ${inline(h.meaning)}`).join('\n'),
    `## ${SECTIONS.related}`, related,
    `## ${SECTIONS.retry}`, inline(m.retrySafe),
    `## ${SECTIONS.example}`, codeBlock(m.example, 'json'),
  ].join('\n\n') + '\n'
}

/** The catalogue's index as Markdown: every code grouped by area. */
export function renderErrorIndexMarkdown (catalogue: Catalogue): string {
  return [
    '# Error codes',
    'Every error is an RFC 9457 problem (`application/problem+json`) whose `type` is the path of its code\'s page. Each page answers HTML to a browser, Markdown to `Accept: text/markdown` or at its `.md` URL, and JSON otherwise.',
    ...groupByArea(catalogue).flatMap((g) => [
      `## ${escapeMarkdown(g.title)}`,
      g.codes.map(({ code, entry }) => `- ${link(codeSpan(code), markdownUrl(errorPagePath(code)))} — ${entry.status} ${escapeMarkdown(entry.title)}`).join('\n'),
    ]),
  ].join('\n\n') + '\n'
}
