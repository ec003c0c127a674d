import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type pg from 'pg'
import type { Config } from '../../config/config.js'
import { findApiKeyForOperator } from '../../db/api-keys-repository.js'
import { listAuditEvents } from '../../db/audit-repository.js'
import { listRotations } from '../../db/rotations-repository.js'
import { describeSigningSet } from '../../domain/signing-set.js'
import { readSchemeView } from '../../domain/signing-keys.js'
import { toSchemeResource } from '../../http/scheme-resource.js'
import { toOperatorScheduleResource } from '../../http/schedule-resource.js'
import { readRotationSchedule } from '../../db/rotation-schedules-repository.js'
import { AppError } from '../../errors/app-error.js'
import { UUID_PATTERN } from '../../http/cursor.js'
import { envelope, iso } from '../../http/envelope.js'
import { auditPage } from '../../http/audit-resource.js'
import { toRotationListItem } from '../../http/rotation-resource.js'
import { requireOperator } from '../../plugins/operator-auth.js'
import { apiKeyViewEnvelope, auditListQuerySchema, auditListSchema, keyIdParamsSchema } from '../../schemas/admin.js'
import { errorResponses } from '../../schemas/common.js'

export interface AdminReadRoutesOptions { pool: pg.Pool; config: Config }
const tags = ['operator']
const security = [{ operatorToken: [] }]

/** What operators read: a key (never a secret) with its recent rotations, and the audit trail. */
export const adminReadRoutes: FastifyPluginAsyncZod<AdminReadRoutesOptions> = async (app, { pool, config }) => {
  app.addHook('onRequest', requireOperator(pool, config.API_KEY_PEPPER))

  app.get('/api-keys/:keyId', {
    schema: { tags, security, summary: 'A key: metadata, secret version, window, last rotations; never a secret', params: keyIdParamsSchema, response: { 200: apiKeyViewEnvelope, ...errorResponses } },
  }, async (request) => {
    const { keyId } = request.params
    const key = UUID_PATTERN.test(keyId) ? await findApiKeyForOperator(pool, keyId, config.ROTATION_COOLDOWN_SECONDS) : undefined
    if (!key) throw new AppError('RESOURCE_NOT_FOUND', 'No such API key.')
    const recent = await listRotations(pool, key.id, { limit: 10, after: null }, config.IDEMPOTENCY_RETENTION_SECONDS)
    const signingSecrets = await describeSigningSet(pool, { ...key, hasSecret: key.webhookUrl !== null && key.revokedAt === null })
    const { currentConfirmed: _shownInSigningSecrets, ...view } = key
    return envelope(request, 'apiKey', {
      ...view,
      signingSecrets,
      createdAt: key.createdAt.toISOString(),
      expiresAt: iso(key.expiresAt),
      revokedAt: iso(key.revokedAt),
      rotatedAt: iso(key.rotatedAt),
      previousRetainedUntil: iso(key.previousRetainedUntil),
      cooldownEndsAt: iso(key.cooldownEndsAt),
      recentRotations: recent.rows.map(toRotationListItem),
      ...toSchemeResource(await readSchemeView(pool, key.id), config),
      rotationSchedule: toOperatorScheduleResource(await readRotationSchedule(pool, key.id)),
    })
  })

  app.get('/audit-events', {
    schema: { tags, security, summary: 'The audit trail, newest first, optionally for one key', querystring: auditListQuerySchema, response: { 200: auditListSchema, ...errorResponses } },
  }, async (request) => {
    const { apiKeyId, limit, cursor } = request.query
    const page = await listAuditEvents(pool, { apiKeyId: apiKeyId ?? null, limit, beforeId: cursor ?? null })
    return auditPage(request, page, limit, { maskOperators: false })
  })
}
