import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { RedisClient } from '../../queue/redis.js'
import type pg from 'pg'
import type { Config } from '../../config/config.js'
import type { WebhookDeliveries } from '../../domain/webhook-deliveries.js'
import { envelope } from '../../http/envelope.js'
import { toWebhookEventResource } from '../../http/webhook-event-resource.js'
import { customerOnRequest } from '../../plugins/customer-auth.js'
import { errorResponses } from '../../schemas/common.js'
import { testDeliveryBodySchema, webhookEventEnvelope } from '../../schemas/webhook-events.js'
import { EVENTS_PATH } from '../webhook-events/index.js'

export interface TestDeliveryRoutesOptions { pool: pg.Pool; redis: RedisClient; config: Config; deliveries: WebhookDeliveries }

/** POST …/webhook-secret/test-delivery: a signed `webhook.test` event, to prove a verifier. */
export const testDeliveryRoutes: FastifyPluginAsyncZod<TestDeliveryRoutesOptions> = async (app, { pool, redis, config, deliveries }) => {
  app.post('/test-delivery', {
    onRequest: customerOnRequest({ pool, redis, config }),
    schema: {
      tags: ['webhook secret'],
      summary: 'Send a signed webhook.test event to your webhook URL',
      description: 'sign: "current" lets you check that your verifier accepts the new secret alone before the previous one retires.',
      body: testDeliveryBodySchema,
      response: { 202: webhookEventEnvelope, ...errorResponses },
    },
  }, async (request, reply) => {
    const event = await deliveries.sendTestEvent(request.apiKey.id, request.body?.sign ?? 'both')
    reply.header('location', `${EVENTS_PATH}/${event.id}`)
    return reply.code(202).send(envelope(request, 'event', toWebhookEventResource(event), { message: 'Test delivery queued; follow it at the Location URL.' }))
  })
}
