import { errorPagePath, ERRORS_INDEX_PATH, groupByArea, markdownUrl, type Catalogue } from './error-page-model.js'
import { DOCS_UI_PATH } from './error-pages-html.js'
import { codeSpan, escapeMarkdown, link } from './markdown.js'

export const OPENAPI_PATH = '/v1/openapi.json'

/**
 * `/llms.txt` (llmstxt.org): a Markdown index of this service's documentation, so an assistant can
 * read it directly. Paths are relative to the service's origin, like every problem's `type`.
 */
export function renderLlmsTxt (catalogue: Catalogue): string {
  return [
    '# Webhook secret rotation',
    '> Rotates webhook signing secrets safely: idempotent asynchronous rotation with a held, recoverable secret, a per-key cooldown and a 7-day rollback slot.',
    'Every error is an RFC 9457 problem whose `type` is the path of its code\'s page below. Those pages answer Markdown at their `.md` path (or to `Accept: text/markdown`), HTML to a browser and JSON otherwise.',
    '## API reference',
    [
      `- ${link('OpenAPI 3.1 document', OPENAPI_PATH)}: every route with its parameters, bodies, responses and error codes (JSON)`,
      `- ${link('API docs UI', DOCS_UI_PATH)}: the same document in Swagger UI, for people (needs JavaScript)`,
      `- ${link('Error catalogue', markdownUrl(ERRORS_INDEX_PATH))}: every error code grouped by area`,
    ].join('\n'),
    ...groupByArea(catalogue).flatMap((g) => [
      `## Errors: ${escapeMarkdown(g.title)}`,
      g.codes.map(({ code, entry }) => `- ${link(codeSpan(code), markdownUrl(errorPagePath(code)))}: ${entry.status} ${escapeMarkdown(entry.title)}`).join('\n'),
    ]),
  ].join('\n\n') + '\n'
}
