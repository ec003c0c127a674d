import { z } from 'zod'
import { envelopeSchema, isoTime, listSchema, nullableTime } from './common.js'

export const deliveryStatusSchema = z.enum(['none', 'pending', 'retrying', 'delivered', 'failed'])
const STATUS_LIST = new RegExp(`^(${deliveryStatusSchema.options.join('|')})(,(${deliveryStatusSchema.options.join('|')}))*$`)
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
  // The upstream SDK's names for the same facts (its list and redeliver schemas); additive.
  eventType: z.string().describe('the same as type'),
  apiKeyId: z.uuid(),
  tradeRequestId: z.null().describe('always null: this service emits no trade events'),
  emittedAt: isoTime.describe('the same as createdAt'),
  outboxEmittedAt: nullableTime.describe('when the event was handed to delivery (recorded and queued together, so createdAt); null when there was nothing to deliver to'),
  replayCount: z.number().int().min(0).describe('the same as redeliveries'),
  lastDeliveredAt: nullableTime,
  deliveryAttempts: z.number().int().min(0),
  delivery: z.object({
    attempts: z.number().int().min(0),
    lastAttemptedAt: nullableTime,
    lastDeliveredAt: nullableTime,
    lastStatusCode: z.number().int().nullable(),
    lastFailureCode: z.string().nullable().describe('HTTP_<status>, TIMEOUT, ADDRESS_NOT_ALLOWED, INVALID_URL, a network error code (ECONNREFUSED, …) or another upper-case code'),
    lastErrorMessage: z.string().nullable(),
    terminalFailureAt: nullableTime.describe('when the delivery failed for good'),
  }),
})

export const webhookEventEnvelope = envelopeSchema('event', webhookEventSchema)
export const webhookEventListSchema = listSchema(webhookEventSchema)
export const webhookEventListQuerySchema = z.strictObject({
  status: z.string().regex(STATUS_LIST, 'must be one or more of none, pending, retrying, delivered, failed, separated by commas')
    .optional().describe('one status, or several separated by commas (pending,retrying)'),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(200).optional(),
})
export const testDeliveryBodySchema = z.strictObject({
  sign: signWithSchema.default('both').describe('both (current and every earlier secret still in its window), current alone, or the earlier secrets alone'),
}).nullish()
/** The SDK sends `{}`; nothing is read from it. */
export const redeliverBodySchema = z.strictObject({}).nullish()
