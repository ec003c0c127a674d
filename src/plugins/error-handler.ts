import fp from 'fastify-plugin'
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
  return undefined
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

  app.setNotFoundHandler((request, reply) => {
    return sendProblem(request, reply, new AppError('RESOURCE_NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}.`))
  })
}, { name: 'error-handler' })
