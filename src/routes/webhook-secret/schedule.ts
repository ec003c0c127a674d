import type { FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type pg from 'pg'
import type { Config } from '../../config/config.js'
import { setRotationSchedule } from '../../domain/rotation-schedules.js'
import { envelope } from '../../http/envelope.js'
import { scheduleMessage, toScheduleResource } from '../../http/schedule-resource.js'
import { customerOnRequest } from '../../plugins/customer-auth.js'
import type { RedisClient } from '../../queue/redis.js'
import { errorResponses } from '../../schemas/common.js'
import { scheduleBodySchema, scheduleEnvelope } from '../../schemas/webhook-secret.js'

export interface RotationScheduleRoutesOptions { pool: pg.Pool; redis: RedisClient; config: Config }

/** Customer routes for the key's rotation schedule: PUT sets or clears it, DELETE clears it. */
export const rotationScheduleRoutes: FastifyPluginAsyncZod<RotationScheduleRoutesOptions> = async (app, opts) => {
  const { pool, redis, config } = opts
  const onRequest = customerOnRequest({ pool, redis, config })
  app.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', 'no-store')
  })

  async function change (request: FastifyRequest, everyDays: number | null, reason: string | null) {
    const { changed, view } = await setRotationSchedule(pool, request.apiKey.id, everyDays, {
      actorType: 'customer', actor: request.apiKey.id, requestId: request.id, sourceIp: request.ip, reason,
    })
    return envelope(request, 'rotationSchedule', toScheduleResource(view), { message: scheduleMessage(changed, view) })
  }

  app.put('/schedule', {
    onRequest,
    schema: {
      tags: ['webhook secret'],
      summary: 'Rotate the webhook secret (or key pair) every N days',
      description: 'A scheduled rotation runs through the same rule and cooldown as POST rotate, audited as scheduled. For a symmetric key the new secret is held for your client to fetch and acknowledge (GET …/rotations?kind=scheduled); an asymmetric key needs nobody. null removes the schedule. The same value again changes nothing. Audited.',
      body: scheduleBodySchema,
      response: { 200: scheduleEnvelope, ...errorResponses },
    },
  }, async (request) => change(request, request.body.everyDays, request.body.reason ?? null))

  app.delete('/schedule', {
    onRequest,
    schema: { tags: ['webhook secret'], summary: 'Remove the rotation schedule', response: { 200: scheduleEnvelope, ...errorResponses } },
  }, async (request) => change(request, null, null))
}
