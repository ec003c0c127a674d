import { z } from 'zod'
import { MAX_BIGINT } from '../http/cursor.js'
import { envelopeSchema, isoTime, listSchema, nullableTime } from './common.js'
import { rotationListItemSchema, rotationScheduleSchema, scheduleBodySchema, signingSchemeResourceSchema, signingSchemeSchema, signingSecretSchema } from './webhook-secret.js'

export const operatorActionBodySchema = z.strictObject({
  reason: z.string().trim().min(1).max(500).describe('why; recorded in the audit trail'),
})

/** Rollback and expire-previous may name one retained secret (see the key's signingSecrets). */
export const operatorTargetBodySchema = operatorActionBodySchema.extend({
  secretVersion: z.number().int().min(0).max(2_147_483_647).optional()
    .describe('the retained secret to act on, by version; default: rollback restores the newest confirmed one in its window, expire-previous expires them all'),
})

export const operatorSchemeBodySchema = operatorActionBodySchema.extend({ scheme: signingSchemeSchema })
export const operatorScheduleBodySchema = operatorActionBodySchema.extend({ everyDays: scheduleBodySchema.shape.everyDays })

/** An operator also sees who set the schedule (the API key id for the customer, else an operator's name). */
export const operatorRotationScheduleSchema = rotationScheduleSchema.extend({ setBy: z.string().nullable() })

export const keyIdParamsSchema = z.object({ keyId: z.string() })

export const auditEventSchema = z.object({
  id: z.string(),
  at: isoTime,
  actorType: z.enum(['customer', 'operator', 'system']),
  actor: z.string(),
  action: z.string(),
  apiKeyId: z.uuid().nullable(),
  rotationId: z.uuid().nullable(),
  requestId: z.string().nullable(),
  sourceIp: z.string().nullable(),
  reason: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
})

export const auditListQuerySchema = z.strictObject({
  apiKeyId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  // An audit event's id: 19 digits can still be past Postgres' bigint.
  cursor: z.string().regex(/^\d{1,19}$/).refine((c) => !/^\d{1,19}$/.test(c) || BigInt(c) <= MAX_BIGINT, 'is not a cursor this API returned').optional(),
})

export const auditListSchema = listSchema(auditEventSchema)

export const apiKeyViewSchema = z.object({
  id: z.uuid(),
  ownerId: z.string(),
  env: z.string(),
  keyPrefix: z.string(),
  scopes: z.array(z.string()),
  ipAllowlist: z.array(z.string()),
  webhookUrl: z.string().nullable(),
  secretVersion: z.number().int(),
  rotatedAt: nullableTime,
  previousRetainedUntil: nullableTime,
  previousHeld: z.boolean().describe('whether any earlier secret still signs (its window is open)'),
  signingSecrets: z.array(signingSecretSchema).describe('every secret deliveries are signed with now, current first; rollback and expire-previous may name one by secretVersion'),
  cooldownEndsAt: nullableTime,
  createdAt: isoTime,
  expiresAt: nullableTime,
  revokedAt: nullableTime,
  recentRotations: z.array(rotationListItemSchema),
  rotationSchedule: operatorRotationScheduleSchema,
}).extend(signingSchemeResourceSchema.shape)

export const apiKeyViewEnvelope = envelopeSchema('apiKey', apiKeyViewSchema)
export const operatorScheduleEnvelope = envelopeSchema('rotationSchedule', operatorRotationScheduleSchema)
