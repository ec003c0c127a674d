import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify'
import type pg from 'pg'
import { authenticateApiKey, ROTATION_SCOPES } from '../auth/api-key-auth.js'
import type { Config } from '../config/config.js'
import { readKeyAndRotationRequestState } from '../db/rotation-requests-repository.js'
import type { PrefetchedRotationState } from '../domain/rotation-requests.js'
import { parseIdempotencyKey } from '../http/request-headers.js'
import { rateLimitHook, throttleAuthFailure } from './rate-limit.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** Read with the API key by POST rotate's authentication: what the request needs to decide. */
    rotationState?: PrefetchedRotationState
  }
}

function idempotencyKeyOf (request: FastifyRequest) {
  try {
    return parseIdempotencyKey(request.headers['idempotency-key'])
  } catch {
    return undefined // a malformed key is refused by the handler, after authentication as usual
  }
}

/**
 * POST rotate's onRequest hooks: customerOnRequest's (key, scope, allowlist, then the rate limit),
 * except that finding the key also reads its rotation gate and the rotation its Idempotency-Key
 * names, in one statement: a refusal or a replay then needs no other read before it answers.
 */
export function rotateOnRequest ({ pool, config }: { pool: pg.Pool; config: Config }): onRequestAsyncHookHandler[] {
  const options = { cooldownSeconds: config.ROTATION_COOLDOWN_SECONDS, retentionSeconds: config.IDEMPOTENCY_RETENTION_SECONDS }
  return [
    async function apiKeyAuthWithRotationState (request: FastifyRequest) {
      const idempotencyKey = idempotencyKeyOf(request)
      try {
        request.apiKey = await authenticateApiKey(pool, config.API_KEY_PEPPER, request.headers['x-api-key'], request.ip, ROTATION_SCOPES,
          idempotencyKey === undefined
            ? undefined
            : async (keyHash) => {
              const found = await readKeyAndRotationRequestState(pool, keyHash, idempotencyKey, options)
              if (found) request.rotationState = { ...found.state, idempotencyKey }
              return found?.key
            })
      } catch (err) {
        await throttleAuthFailure(request, 'api_key', err)
        throw err
      }
    },
    rateLimitHook(),
  ]
}
