import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import fp from 'fastify-plugin'

const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/

/** Echo a sane incoming X-Request-ID, else make one. Used as Fastify's genReqId. */
export function genRequestId (req: IncomingMessage) {
  const incoming = req.headers['x-request-id']
  return typeof incoming === 'string' && SANE_REQUEST_ID.test(incoming) ? incoming : `req_${randomUUID()}`
}

export const requestIdPlugin = fp(async (app) => {
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id)
  })
}, { name: 'request-id' })
