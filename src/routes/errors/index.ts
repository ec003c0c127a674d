import type { FastifyReply } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { AppError } from '../../errors/app-error.js'
import { ERROR_CATALOGUE, ERROR_CODES, isErrorCode, type ErrorCode } from '../../errors/catalogue.js'
import { fixText, plainText } from '../../errors/catalogue-text.js'
import { renderErrorIndexHtml, renderErrorPageHtml } from '../../docs/error-pages-html.js'
import { renderErrorIndexMarkdown, renderErrorPageMarkdown } from '../../docs/error-pages-markdown.js'
import { PAGE_CSP } from '../../docs/page-style.js'
import { envelope, meta } from '../../http/envelope.js'
import { preferredDocType, type DocMediaType } from '../../http/negotiate.js'
import { errorTypeUrl } from '../../http/problem.js'
import { errorResponses, metaSchema } from '../../schemas/common.js'

const errorPageSchema = z.object({
  code: z.string(),
  type: z.string(),
  status: z.number().int(),
  title: z.string(),
  when: z.string(),
  fix: z.string(),
  retrySafe: z.boolean(),
})

/** The JSON view of an entry: the fields (and plain texts) this route has always answered. */
function page (code: ErrorCode) {
  const entry = ERROR_CATALOGUE[code]
  return { code, type: errorTypeUrl(code), status: entry.status, title: entry.title, when: plainText(entry.when), fix: fixText(entry), retrySafe: entry.retrySafe }
}

const MARKDOWN_SUFFIX = /\.md$/i

/** Sends the page as HTML or Markdown; undefined means the caller answers JSON. */
function sendPage (reply: FastifyReply, type: DocMediaType, render: { html: () => string; markdown: () => string }) {
  reply.header('vary', 'Accept')
  if (type === 'text/html') {
    return reply.type('text/html; charset=utf-8').header('content-security-policy', PAGE_CSP).header('x-content-type-options', 'nosniff').send(render.html())
  }
  if (type === 'text/markdown') return reply.type('text/markdown; charset=utf-8').header('x-content-type-options', 'nosniff').send(render.markdown())
  return undefined
}

const negotiated = 'Answers HTML to `Accept: text/html`, Markdown to `Accept: text/markdown` (or at the `.md` path), JSON otherwise.'

/** The public error catalogue: every `type` URL of a problem answers here, to people and programs. */
export const errorRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['errors']
  app.get('/v1/errors', {
    schema: { tags, security: [], summary: 'Every error code', description: negotiated, response: { 200: z.object({ data: z.array(errorPageSchema), _meta: metaSchema }) } },
  }, async (request, reply) => {
    return sendPage(reply, preferredDocType(request), {
      html: () => renderErrorIndexHtml(ERROR_CATALOGUE),
      markdown: () => renderErrorIndexMarkdown(ERROR_CATALOGUE),
    }) ?? { data: ERROR_CODES.map(page), _meta: meta(request) }
  })

  app.get('/v1/errors.md', { schema: { hide: true } }, async (_request, reply) => {
    return sendPage(reply, 'text/markdown', { html: () => '', markdown: () => renderErrorIndexMarkdown(ERROR_CATALOGUE) })
  })

  app.get('/v1/errors/:code', {
    schema: {
      security: [],
      tags,
      summary: 'One error code: when it fires, why, how to fix it, its headers, related codes, whether a retry is safe',
      description: negotiated,
      params: z.object({ code: z.string() }),
      response: { 200: z.object({ error: errorPageSchema, data: errorPageSchema, _meta: metaSchema }), ...errorResponses },
    },
  }, async (request, reply) => {
    const asMarkdown = MARKDOWN_SUFFIX.test(request.params.code)
    const code = request.params.code.replace(MARKDOWN_SUFFIX, '').toUpperCase()
    if (!isErrorCode(code)) throw new AppError('RESOURCE_NOT_FOUND', `No error code ${request.params.code}. GET /v1/errors lists them all.`)
    return sendPage(reply, asMarkdown ? 'text/markdown' : preferredDocType(request), {
      html: () => renderErrorPageHtml(code, ERROR_CATALOGUE),
      markdown: () => renderErrorPageMarkdown(code, ERROR_CATALOGUE),
    }) ?? envelope(request, 'error', page(code))
  })
}
