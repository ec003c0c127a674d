import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify'
import type pg from 'pg'
import { authenticateOperator } from '../auth/operator-auth.js'
import type { OperatorRow } from '../db/operator-tokens-repository.js'
import { throttleAuthFailure } from './rate-limit.js'

declare module 'fastify' {
  interface FastifyRequest {
    operator: OperatorRow
  }
}

/** An onRequest hook for /v1/admin/* and the queue dashboard: a live operator token or nothing. */
export function requireOperator (pool: pg.Pool, pepper: string): onRequestAsyncHookHandler {
  return async function operatorAuth (request: FastifyRequest, _reply: FastifyReply) {
    try {
      request.operator = await authenticateOperator(pool, pepper, request.headers)
    } catch (err) {
      await throttleAuthFailure(request, 'operator_token', err)
      throw err
    }
  }
}
