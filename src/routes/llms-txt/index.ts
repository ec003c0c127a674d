import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { renderLlmsTxt } from '../../docs/llms-txt.js'
import { ERROR_CATALOGUE } from '../../errors/catalogue.js'

/** `/llms.txt`: the documentation index for assistants. Plain text, so a browser shows it too. */
export const llmsTxtRoutes: FastifyPluginAsyncZod = async (app) => {
  const body = renderLlmsTxt(ERROR_CATALOGUE)
  app.get('/llms.txt', { schema: { hide: true } }, async (_request, reply) => {
    return reply.type('text/plain; charset=utf-8').header('x-content-type-options', 'nosniff').send(body)
  })
}
