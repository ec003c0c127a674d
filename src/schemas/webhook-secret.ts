import { z } from 'zod'
import { envelopeSchema, isoTime, listSchema, nullableTime, problemSchema } from './common.js'

export const rotationStatusSchema = z.enum(['queued', 'processing', 'succeeded', 'rejected', 'failed'])
export const rotationKindSchema = z.enum(['customer', 'operator_recover', 'operator_rollback', 'operator_expire_previous', 'scheduled'])
  .describe('scheduled: run by the key\'s rotation schedule, like a customer rotation')

const rotationFields = {
  id: z.uuid(),
  kind: rotationKindSchema,
  status: rotationStatusSchema,
  idempotencyKey: z.string().nullable(),
  requestedAt: isoTime,
  completedAt: nullableTime,
  rotatedAt: nullableTime,
  previousRetainedUntil: nullableTime,
  secretVersion: z.number().int().nullable().describe('the key\'s secret version once this rotation succeeded (its new secret\'s, as in signingSecrets); null before'),
  secretHeld: z.boolean().describe('whether the service still holds the new secret for you to fetch'),
  secretFirstDeliveredAt: nullableTime.describe('when a response carrying the secret was first completely written (or the rotation acknowledged): possibly delivered, as a written answer can still be lost; null: never delivered, and the next customer rotation discards it'),
  secretConfirmedAt: nullableTime.describe('when the requester acknowledged the secret: confirmed; a rollback prefers confirmed secrets'),
  secretAvailableUntil: nullableTime,
  secretErasedAt: nullableTime,
  secretErasedReason: z.enum(['acknowledged', 'redelivery_grace_elapsed', 'hold_expired', 'superseded_undelivered', 'key_revoked']).nullable(),
  error: z.object({
    code: z.string(),
    title: z.string(),
    detail: z.string(),
    retryAfter: z.number().int().nullable(),
  }).nullable(),
}

export const rotationListItemSchema = z.object(rotationFields)

export const signingSchemeSchema = z.enum(['symmetric', 'asymmetric', 'both'])
  .describe('symmetric: whsec_ secrets sign (HMAC, v1 and X-Kash-Signature; the default); asymmetric: ed25519 key pairs sign (Standard Webhooks v1a); both: while a receiver migrates')

export const publicSigningKeySchema = z.object({
  keyVersion: z.number().int(),
  kid: z.string().describe('RFC 7638 thumbprint of the key; the kid of its JWK'),
  publicKey: z.string().describe('whpk_ + base64 of the 32-byte ed25519 public key; not a secret'),
  current: z.boolean(),
  createdAt: isoTime,
  retainedUntil: nullableTime.describe('when it stops signing; null for the current key pair'),
})

export const rotationSchema = z.object({
  ...rotationFields,
  secret: z.string().nullable().describe('the new secret, only while held'),
  signingKey: publicSigningKeySchema.optional().describe('the key pair this rotation made (its public key), when the key signs with v1a'),
})

export const rotatedSecretSchema = z.object({
  secret: z.string().nullable().describe('the new whsec_ secret; null when the key signs with asymmetric keys alone (nothing secret is handed over)'),
  rotatedAt: isoTime,
  previousRetainedUntil: isoTime,
  rotationId: z.uuid(),
  signingKey: publicSigningKeySchema.optional().describe('the new key pair\'s public key, when the key signs with v1a; readable again at any time (GET …/webhook-secret, the JWKS)'),
})

export const signingSecretSchema = z.object({
  secretVersion: z.number().int(),
  current: z.boolean(),
  confirmed: z.boolean().describe('issued with the key, restored by a rollback, or acknowledged; otherwise only possibly delivered'),
  retainedUntil: nullableTime.describe('when it stops signing; null for the current secret'),
})

export const rotationScheduleSchema = z.object({
  everyDays: z.number().int().nullable().describe('rotate every this many days; null: no schedule'),
  setAt: nullableTime.describe('when the schedule was set; the count starts at the later of this and the last rotation'),
  nextRotationAt: nullableTime.describe('when the key is next due: its secret (or key pair) is everyDays old; the scheduler rotates it within a minute of this. Any rotation before then restarts the count'),
}).describe('the key\'s rotation schedule; a scheduled rotation runs by the same rule (and cooldown) as a customer rotation')

export const scheduleBodySchema = z.strictObject({
  everyDays: z.number().int().min(1).max(365).nullable().describe('1 to 365; null removes the schedule'),
  reason: z.string().max(500).optional(),
})

export const webhookSecretMetadataSchema = z.object({
  secretVersion: z.number().int(),
  rotatedAt: nullableTime,
  previousRetainedUntil: nullableTime,
  cooldownEndsAt: nullableTime,
  webhookUrl: z.string().nullable(),
  signingSecrets: z.array(signingSecretSchema).describe('every secret each delivery is signed with now, current first (never the secrets themselves); this service\'s addition'),
  signingScheme: signingSchemeSchema,
  jwksUrl: z.string().nullable().describe('the key\'s public JWKS document (no authentication); null until the key first signs with v1a'),
  publicKeys: z.array(publicSigningKeySchema).describe('the public keys every delivery is signed with now (v1a), current first; empty for a symmetric key'),
  rotationSchedule: rotationScheduleSchema,
})

export const signingSchemeResourceSchema = z.object({
  signingScheme: signingSchemeSchema,
  jwksUrl: z.string().nullable(),
  publicKeys: z.array(publicSigningKeySchema),
})

export const schemeBodySchema = z.strictObject({
  scheme: signingSchemeSchema,
  reason: z.string().max(500).optional(),
})

export const jwksSchema = z.object({
  keys: z.array(z.object({
    kty: z.literal('OKP'),
    crv: z.literal('Ed25519'),
    x: z.string().describe('base64url of the 32-byte public key'),
    kid: z.string(),
    use: z.literal('sig'),
    alg: z.literal('EdDSA'),
    nbf: z.number().int().describe('when the key was made (seconds since the epoch)'),
    exp: z.number().int().optional().describe('when a retained key stops signing (seconds since the epoch); absent for the current key'),
  })),
}).describe('RFC 7517 JSON Web Key Set: the public keys that sign this key\'s deliveries now')

export const jwksParamsSchema = z.object({ token: z.string() })

// No body at all arrives as null; an empty JSON body as undefined.
export const rotateBodySchema = z.strictObject({
  reason: z.string().max(500).optional(),
}).nullish()

export const rotateHeadersSchema = z.looseObject({
  'idempotency-key': z.string().optional().describe('1-255 characters from [A-Za-z0-9_-:.]; a replay returns the same rotation'),
  prefer: z.string().optional().describe('RFC 7240: respond-async, or wait=<seconds> (max 30); either asks for 202 while unfinished. Without it: wait up to 25 s, then 503 ROTATION_IN_PROGRESS'),
})

export const rotationParamsSchema = z.object({ id: z.string() })

export const rotationListQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  kind: rotationKindSchema.optional().describe('only rotations of this kind (scheduled: those the key\'s schedule ran, whose secrets a client picks up)'),
  cursor: z.string().max(200).optional(),
})

export const rotationEnvelope = envelopeSchema('rotation', rotationSchema)
/** POST rotate's 202: only when the request sent `Prefer: respond-async` or `wait=N`. */
export const acceptedRotationEnvelope = rotationEnvelope.describe('Accepted and not finished: only for a request with Prefer: respond-async or wait=<seconds>. Location names the rotation.')
/** POST rotate's 503 without `Prefer` (ROTATION_IN_PROGRESS), or a dependency outage (DEPENDENCY_UNAVAILABLE). */
export const rotateUnavailableSchema = problemSchema.extend({
  rotationId: z.uuid().optional().describe('ROTATION_IN_PROGRESS: the rotation, also in Location; retry with the same Idempotency-Key'),
}).describe('ROTATION_IN_PROGRESS: not finished within the wait (no Prefer); retry after Retry-After with the same Idempotency-Key. DEPENDENCY_UNAVAILABLE: nothing changed; retry.')
export const rotatedSecretEnvelope = envelopeSchema('webhookSecret', rotatedSecretSchema)
export const metadataEnvelope = envelopeSchema('webhookSecret', webhookSecretMetadataSchema)
export const schemeEnvelope = envelopeSchema('signingScheme', signingSchemeResourceSchema)
export const scheduleEnvelope = envelopeSchema('rotationSchedule', rotationScheduleSchema)
export const rotationListSchema = listSchema(rotationListItemSchema)

export type RotationResource = z.infer<typeof rotationSchema>
