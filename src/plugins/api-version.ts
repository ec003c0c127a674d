import fp from 'fastify-plugin'
import { API_VERSION } from '../http/api-version.js'

/** `X-API-Version` on every response, errors and unknown routes included (set before anything can refuse). */
export const apiVersionPlugin = fp(async (app) => {
  app.addHook('onRequest', async (_request, reply) => {
    reply.header('x-api-version', API_VERSION)
  })
}, { name: 'api-version' })
