import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { AppError } from '../../errors/app-error.js'
import { ERROR_CATALOGUE, ERROR_CODES, isErrorCode } from '../../errors/catalogue.js'
import { envelope, meta } from '../../http/envelope.js'
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

function page (code: keyof typeof ERROR_CATALOGUE) {
  return { code, type: errorTypeUrl(code), ...ERROR_CATALOGUE[code] }
}

/** The public error catalogue: every `type` URL of a problem answers here. */
export const errorRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['errors']
  app.get('/v1/errors', {
    schema: { tags, security: [], summary: 'Every error code', response: { 200: z.object({ data: z.array(errorPageSchema), _meta: metaSchema }) } },
  }, async (request) => ({ data: ERROR_CODES.map(page), _meta: meta(request) }))

  app.get('/v1/errors/:code', {
    schema: {
      security: [],
      tags,
      summary: 'One error code: when it fires, how to fix it, whether a retry is safe',
      params: z.object({ code: z.string() }),
      response: { 200: z.object({ error: errorPageSchema, data: errorPageSchema, _meta: metaSchema }), ...errorResponses },
    },
  }, async (request) => {
    const code = request.params.code.toUpperCase()
    if (!isErrorCode(code)) throw new AppError('RESOURCE_NOT_FOUND', `No error code ${request.params.code}. GET /v1/errors lists them all.`)
    return envelope(request, 'error', page(code))
  })
}
