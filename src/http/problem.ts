import type { FastifyReply, FastifyRequest } from 'fastify'
import type { AppError } from '../errors/app-error.js'

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8'

export function errorTypeUrl (code: string) {
  return `/v1/errors/${code}`
}

/** Renders a catalogued refusal as RFC 9457 problem+json, with X-Error-Code. */
export function sendProblem (request: FastifyRequest, reply: FastifyReply, err: AppError) {
  for (const [name, value] of Object.entries(err.headers)) reply.header(name, value)
  return reply
    .code(err.status)
    .header('content-type', PROBLEM_CONTENT_TYPE)
    .header('x-error-code', err.code)
    .send({
      type: errorTypeUrl(err.code),
      title: err.title,
      status: err.status,
      code: err.code,
      detail: err.message,
      instance: request.url.split('?')[0],
      requestId: request.id,
      ...err.extensions,
    })
}
