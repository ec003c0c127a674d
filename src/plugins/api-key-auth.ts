import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify'
import type pg from 'pg'
import { authenticateApiKey } from '../auth/api-key-auth.js'
import type { ApiKeyAuthRow } from '../db/api-keys-repository.js'

declare module 'fastify' {
  interface FastifyRequest {
    apiKey: ApiKeyAuthRow
  }
}

/** A preHandler that authenticates the caller's API key and requires one of `scopes`. */
export function requireApiKey (pool: pg.Pool, pepper: string, scopes: readonly string[]): preHandlerAsyncHookHandler {
  return async function apiKeyPreHandler (request: FastifyRequest, _reply: FastifyReply) {
    request.apiKey = await authenticateApiKey(pool, pepper, request.headers['x-api-key'], request.ip, scopes)
  }
}
