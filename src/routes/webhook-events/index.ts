import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { RedisClient } from '../../queue/redis.js'
import type pg from 'pg'
import { z } from 'zod'
import type { Config } from '../../config/config.js'
import { findWebhookEvent, listWebhookEvents, type DeliveryStatus } from '../../db/webhook-events-repository.js'
import type { WebhookDeliveries } from '../../domain/webhook-deliveries.js'
import { AppError } from '../../errors/app-error.js'
import { decodeCursor, pageResponse, UUID_PATTERN } from '../../http/cursor.js'
import { envelope } from '../../http/envelope.js'
import { toWebhookEventResource } from '../../http/webhook-event-resource.js'
import { customerOnRequest } from '../../plugins/customer-auth.js'
import { errorResponses } from '../../schemas/common.js'
import { redeliverBodySchema, webhookEventEnvelope, webhookEventListQuerySchema, webhookEventListSchema } from '../../schemas/webhook-events.js'

export interface WebhookEventRoutesOptions { pool: pg.Pool; redis: RedisClient; config: Config; deliveries: WebhookDeliveries }

export const EVENTS_PATH = '/v1/webhooks/events'
const tags = ['webhook events']
const params = z.object({ id: z.string() })

/** The customer's webhook events and their delivery records, under /v1/webhooks/events. */
export const webhookEventRoutes: FastifyPluginAsyncZod<WebhookEventRoutesOptions> = async (app, { pool, redis, config, deliveries }) => {
  const onRequest = customerOnRequest({ pool, redis, config })
  const notFound = () => new AppError('RESOURCE_NOT_FOUND', 'No such event for this API key.')

  app.get('', {
    onRequest,
    schema: { tags, summary: 'List events and their delivery status, newest first', querystring: webhookEventListQuerySchema, response: { 200: webhookEventListSchema, ...errorResponses } },
  }, async (request) => {
    const { limit, cursor, status } = request.query
    const statuses = status === undefined ? null : [...new Set(status.split(','))] as DeliveryStatus[]
    const page = await listWebhookEvents(pool, request.apiKey.id, { limit, statuses, after: decodeCursor(cursor) })
    return pageResponse(request, page, limit, toWebhookEventResource)
  })

  app.get('/:id', {
    onRequest,
    schema: { tags, summary: 'One event and its delivery record', params, response: { 200: webhookEventEnvelope, ...errorResponses } },
  }, async (request) => {
    const row = UUID_PATTERN.test(request.params.id) ? await findWebhookEvent(pool, request.params.id, request.apiKey.id) : undefined
    if (!row) throw notFound()
    return envelope(request, 'event', toWebhookEventResource(row))
  })

  app.post('/:id/redeliver', {
    onRequest,
    schema: { tags, summary: 'Send an event again (at most 5 times); 202, the delivery is queued', params, body: redeliverBodySchema, response: { 202: webhookEventEnvelope, ...errorResponses } },
  }, async (request, reply) => {
    if (!UUID_PATTERN.test(request.params.id)) throw notFound()
    const event = await deliveries.redeliver(request.apiKey.id, request.params.id)
    reply.header('location', `${EVENTS_PATH}/${event.id}`)
    return reply.code(202).send(envelope(request, 'event', toWebhookEventResource(event), { message: 'Redelivery queued.' }))
  })
}
