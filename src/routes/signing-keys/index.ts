import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type pg from 'pg'
import { findKeyByJwksToken, listPublicSigningKeys } from '../../db/signing-keys-repository.js'
import { JWKS_PATH, signsAsymmetric, toJwk } from '../../domain/signing-keys.js'
import { AppError } from '../../errors/app-error.js'
import { errorResponses } from '../../schemas/common.js'
import { jwksParamsSchema, jwksSchema } from '../../schemas/webhook-secret.js'

export interface SigningKeyRoutesOptions { pool: pg.Pool }

// A receiver refreshes within minutes of a rotation; the retained key keeps signing for days, so
// five minutes of caching can never leave a receiver without a key that verifies.
const CACHE_SECONDS = 300
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{32}$/

/**
 * Key discovery: each key's public signing keys as a JWKS (RFC 7517), without authentication, at a
 * URL whose token names neither the API key nor its id. Rate-limited per address.
 */
export const signingKeyRoutes: FastifyPluginAsyncZod<SigningKeyRoutesOptions> = async (app, { pool }) => {
  const limit = app.rateLimit({ keyGenerator: (request) => `jwks:${request.ip}` })

  app.get(`${JWKS_PATH}/:token`, {
    onRequest: limit,
    schema: {
      security: [],
      tags: ['key discovery'],
      summary: 'The public keys that sign a key\'s deliveries now (JWKS); the URL is in GET …/webhook-secret as jwksUrl',
      description: `No authentication. Cache-Control: public, max-age=${CACHE_SECONDS}. Each key has kty OKP, crv Ed25519, x, kid, nbf and, for a retained key, exp (when it stops signing). Configure your receiver with this URL; never take a key or key URL from a delivery.`,
      params: jwksParamsSchema,
      response: { 200: jwksSchema, ...errorResponses },
    },
  }, async (request, reply) => {
    const { token } = request.params
    const key = TOKEN_PATTERN.test(token) ? await findKeyByJwksToken(pool, token) : undefined
    if (!key) throw new AppError('RESOURCE_NOT_FOUND', 'No signing keys are published at this URL.')
    const keys = signsAsymmetric(key.scheme) ? await listPublicSigningKeys(pool, key.apiKeyId) : []
    reply.header('cache-control', `public, max-age=${CACHE_SECONDS}`).type('application/jwk-set+json; charset=utf-8')
    return { keys: keys.map(toJwk) }
  })
}
