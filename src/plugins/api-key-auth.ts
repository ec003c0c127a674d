import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify'
import type pg from 'pg'
import { authenticateApiKey } from '../auth/api-key-auth.js'
import type { ApiKeyAuthRow } from '../db/api-keys-repository.js'
import { throttleAuthFailure } from './rate-limit.js'

declare module 'fastify' {
  interface FastifyRequest {
    apiKey: ApiKeyAuthRow
  }
}

/**
 * An onRequest hook that authenticates the caller's API key and requires one of `scopes`. It runs
 * before the body is read or validated: an unauthenticated caller learns nothing about its input.
 */
export function requireApiKey (pool: pg.Pool, pepper: string, scopes: readonly string[]): onRequestAsyncHookHandler {
  return async function apiKeyAuth (request: FastifyRequest, _reply: FastifyReply) {
    try {
      request.apiKey = await authenticateApiKey(pool, pepper, request.headers['x-api-key'], request.ip, scopes)
    } catch (err) {
      await throttleAuthFailure(request, 'api_key', err)
      throw err
    }
  }
}
