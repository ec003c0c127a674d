import { z } from 'zod'
import { envelopeSchema, isoTime, listSchema, nullableTime } from './common.js'

export const deliveryStatusSchema = z.enum(['none', 'pending', 'retrying', 'delivered', 'failed'])
export const signWithSchema = z.enum(['both', 'current', 'previous'])

export const webhookEventSchema = z.object({
  id: z.uuid().describe('also sent as X-Kash-Event-Id'),
  type: z.enum(['webhook_secret.rotated', 'webhook_secret.rolled_back', 'webhook.test']),
  status: deliveryStatusSchema,
  signWith: signWithSchema,
  rotationId: z.uuid().nullable(),
  attempts: z.number().int(),
  redeliveries: z.number().int(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  createdAt: isoTime,
  lastAttemptAt: nullableTime,
  deliveredAt: nullableTime,
  payload: z.record(z.string(), z.unknown()).describe('the JSON body delivered'),
})

export const webhookEventEnvelope = envelopeSchema('event', webhookEventSchema)
export const webhookEventListSchema = listSchema(webhookEventSchema)
export const webhookEventListQuerySchema = z.strictObject({
  status: deliveryStatusSchema.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(200).optional(),
})
export const testDeliveryBodySchema = z.strictObject({
  sign: signWithSchema.default('both').describe('both (current and, while its window is open, previous), current alone, or previous alone'),
}).nullish()
