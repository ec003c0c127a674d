import { METHODS } from 'node:http'
import fp from 'fastify-plugin'
import FindMyWay from 'find-my-way'
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod'
import { AppError, dependencyUnavailable } from '../errors/app-error.js'
import { isDependencyError } from '../errors/dependency-errors.js'
import { sendProblem } from '../http/problem.js'

interface FastifyLikeError extends Error { code?: string; statusCode?: number; validation?: unknown; validationContext?: string }

/** Maps Fastify's own refusals to catalogue codes. */
function fromFastifyError (err: FastifyLikeError): AppError | undefined {
  if (hasZodFastifySchemaValidationErrors(err)) {
    const first = err.validation[0]
    const where = [err.validationContext, ...(first?.instancePath ?? '').split('/')].filter(Boolean).join('.')
    return new AppError('VALIDATION_FAILED', `${where || 'request'}: ${first?.message ?? 'is invalid'}`)
  }
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE': return new AppError('PAYLOAD_TOO_LARGE', 'The request body is too large.')
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE': return new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json.')
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('VALIDATION_FAILED', 'body: is not valid JSON')
  }
  if (err instanceof SyntaxError || err.statusCode === 400) return new AppError('VALIDATION_FAILED', 'body: is not valid JSON')
  return fromClientErrorStatus(err.statusCode)
}

/**
 * Any other error a plugin or the router raises with a 4xx statusCode is the client's, never a
 * 500. A 403 from a plugin (@fastify/static's FST_STATIC_FORBIDDEN_PATH for a path that climbs
 * out of its folder) is answered as the 404 it is: there is no such resource, and our own 403s
 * mean an authorisation refusal.
 */
export function fromClientErrorStatus (statusCode: number | undefined): AppError | undefined {
  if (statusCode === undefined || statusCode < 400 || statusCode > 499) return undefined
  switch (statusCode) {
    case 403:
    case 404: return new AppError('RESOURCE_NOT_FOUND', 'No such resource.')
    case 408: return new AppError('REQUEST_TIMEOUT', 'The request did not arrive in time.')
    case 413: return new AppError('PAYLOAD_TOO_LARGE', 'The request body is too large.')
    case 414: return new AppError('URI_TOO_LONG', 'A path segment is too long.')
    case 415: return new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json.')
    case 431: return new AppError('HEADERS_TOO_LARGE', 'The request headers are too large.')
    default: return new AppError('REQUEST_MALFORMED', 'The request could not be processed as sent.')
  }
}

/** One error handler: catalogued problems as they are, dependency outages as 503, anything else a bare 500. */
export const errorHandlerPlugin = fp(async (app) => {
  app.setErrorHandler((err: FastifyLikeError, request, reply) => {
    if (err instanceof AppError) return sendProblem(request, reply, err)
    const known = fromFastifyError(err)
    if (known) return sendProblem(request, reply, known)
    if (isDependencyError(err)) {
      request.log.warn({ err }, 'dependency unavailable')
      return sendProblem(request, reply, dependencyUnavailable(err))
    }
    request.log.error({ err, responseSerialization: isResponseSerializationError(err) }, 'unhandled error')
    return sendProblem(request, reply, new AppError('INTERNAL_ERROR', 'An unexpected error occurred. It was logged with this requestId.'))
  })

  // Every route's path by method, in Fastify's own router (find-my-way), so that a path that exists
  // under another method is told apart from one that does not exist.
  const routes = FindMyWay()
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (routes.find(method as FindMyWay.HTTPMethod, route.url) === null) routes.on(method as FindMyWay.HTTPMethod, route.url, () => {})
    }
  })

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!
    const allowed = METHODS.filter((method) => routes.find(method as FindMyWay.HTTPMethod, path) !== null)
    // A route of this method that found nothing itself (a static file that is not there) is a 404.
    if (allowed.length > 0 && !allowed.includes(request.method)) {
      const allow = allowed.join(', ')
      return sendProblem(request, reply, new AppError('METHOD_NOT_ALLOWED', `${request.method} is not allowed on ${path}; it answers ${allow}.`, { headers: { Allow: allow } }))
    }
    return sendProblem(request, reply, new AppError('RESOURCE_NOT_FOUND', `No route ${request.method} ${path}.`))
  })
}, { name: 'error-handler' })
