import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { RedisClient } from '../../queue/redis.js'
import type pg from 'pg'
import type { Config } from '../../config/config.js'
import { listAuditEvents } from '../../db/audit-repository.js'
import { auditPage } from '../../http/audit-resource.js'
import { customerOnRequest } from '../../plugins/customer-auth.js'
import { auditListQuerySchema, auditListSchema } from '../../schemas/admin.js'
import { errorResponses } from '../../schemas/common.js'

export interface CustomerAuditRoutesOptions { pool: pg.Pool; redis: RedisClient; config: Config }

/** GET /v1/auth/api-keys/me/audit-events: what happened to the caller's own key. */
export const customerAuditRoutes: FastifyPluginAsyncZod<CustomerAuditRoutesOptions> = async (app, { pool, redis, config }) => {
  app.get('/v1/auth/api-keys/me/audit-events', {
    onRequest: customerOnRequest({ pool, redis, config }),
    schema: { tags: ['audit'], summary: 'Audit events of your key, newest first', querystring: auditListQuerySchema.omit({ apiKeyId: true }), response: { 200: auditListSchema, ...errorResponses } },
  }, async (request) => {
    const { limit, cursor } = request.query
    const page = await listAuditEvents(pool, { apiKeyId: request.apiKey.id, limit, beforeId: cursor ?? null })
    return auditPage(request, page, limit, { maskOperators: true })
  })
}
