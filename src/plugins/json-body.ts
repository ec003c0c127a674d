import fp from 'fastify-plugin'
import secureJson from 'secure-json-parse'

/**
 * JSON is the only body this API takes (anything else is 415), and an empty body means "no body":
 * scripts often POST with a JSON content type and nothing after it, and the rotate body is
 * optional. Prototype-poisoning keys are refused, as with Fastify's own parser.
 */
export const jsonBodyPlugin = fp(async (app) => {
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8')
    if (text.trim() === '') return done(null, undefined)
    try {
      done(null, secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' }))
    } catch (err) {
      const error = err as Error & { statusCode?: number }
      error.statusCode = 400
      done(error, undefined)
    }
  })
}, { name: 'json-body' })
