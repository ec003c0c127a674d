import { z } from 'zod'
import { envelopeSchema, isoTime, listSchema, nullableTime } from './common.js'

export const rotationStatusSchema = z.enum(['queued', 'processing', 'succeeded', 'rejected', 'failed'])
export const rotationKindSchema = z.enum(['customer', 'operator_recover', 'operator_rollback', 'operator_expire_previous'])

const rotationFields = {
  id: z.uuid(),
  kind: rotationKindSchema,
  status: rotationStatusSchema,
  idempotencyKey: z.string().nullable(),
  requestedAt: isoTime,
  completedAt: nullableTime,
  rotatedAt: nullableTime,
  previousRetainedUntil: nullableTime,
  secretHeld: z.boolean().describe('whether the service still holds the new secret for you to fetch'),
  secretFirstDeliveredAt: nullableTime,
  secretAvailableUntil: nullableTime,
  secretErasedAt: nullableTime,
  secretErasedReason: z.enum(['acknowledged', 'redelivery_grace_elapsed', 'hold_expired', 'key_revoked']).nullable(),
  error: z.object({
    code: z.string(),
    title: z.string(),
    detail: z.string(),
    retryAfter: z.number().int().nullable(),
  }).nullable(),
}

export const rotationSchema = z.object({
  ...rotationFields,
  secret: z.string().nullable().describe('the new secret, only while held'),
})

export const rotationListItemSchema = z.object(rotationFields)

export const rotatedSecretSchema = z.object({
  secret: z.string(),
  rotatedAt: isoTime,
  previousRetainedUntil: isoTime,
  rotationId: z.uuid(),
})

export const webhookSecretMetadataSchema = z.object({
  secretVersion: z.number().int(),
  rotatedAt: nullableTime,
  previousRetainedUntil: nullableTime,
  cooldownEndsAt: nullableTime,
  webhookUrl: z.string().nullable(),
})

// No body at all arrives as null; an empty JSON body as undefined.
export const rotateBodySchema = z.strictObject({
  reason: z.string().max(500).optional(),
}).nullish()

export const rotateHeadersSchema = z.looseObject({
  'idempotency-key': z.string().optional().describe('1-255 characters from [A-Za-z0-9_-:.]; a replay returns the same rotation'),
  prefer: z.string().optional().describe('RFC 7240: respond-async, or wait=<seconds> (default 10, max 30)'),
})

export const rotationParamsSchema = z.object({ id: z.string() })

export const rotationListQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(200).optional(),
})

export const rotationEnvelope = envelopeSchema('rotation', rotationSchema)
export const rotatedSecretEnvelope = envelopeSchema('webhookSecret', rotatedSecretSchema)
export const metadataEnvelope = envelopeSchema('webhookSecret', webhookSecretMetadataSchema)
export const rotationListSchema = listSchema(rotationListItemSchema)

export type RotationResource = z.infer<typeof rotationSchema>
