import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type pg from 'pg'
import type { Config } from '../../config/config.js'
import { findApiKeyForOperator } from '../../db/api-keys-repository.js'
import { findRotation, isCustomersRotation, TERMINAL_STATUSES, type RotationKind } from '../../db/rotations-repository.js'
import { keyRevokedError } from '../../domain/api-keys.js'
import type { HeldSecrets } from '../../domain/held-secrets.js'
import type { RotationRequests } from '../../domain/rotation-requests.js'
import { AppError } from '../../errors/app-error.js'
import { UUID_PATTERN } from '../../http/cursor.js'
import { envelope } from '../../http/envelope.js'
import { toRotationResource } from '../../http/rotation-resource.js'
import { requireOperator } from '../../plugins/operator-auth.js'
import { keyIdParamsSchema, operatorActionBodySchema, operatorScheduleBodySchema, operatorScheduleEnvelope, operatorSchemeBodySchema, operatorTargetBodySchema } from '../../schemas/admin.js'
import type { SecretBox } from '../../crypto/secret-box.js'
import { switchSigningScheme } from '../../domain/signing-keys.js'
import { toSchemeResource } from '../../http/scheme-resource.js'
import { scheduleMessage, toOperatorScheduleResource } from '../../http/schedule-resource.js'
import { setRotationSchedule } from '../../domain/rotation-schedules.js'
import { errorResponses } from '../../schemas/common.js'
import { rotateHeadersSchema, rotationEnvelope, rotationParamsSchema, schemeEnvelope } from '../../schemas/webhook-secret.js'
import { loadRotation, refusalError, requestActor, requestAndWait, revealForResponse } from '../webhook-secret/rotation-outcome.js'

export interface OperatorActionRoutesOptions { pool: pg.Pool; config: Config; rotationRequests: RotationRequests; heldSecrets: HeldSecrets; secretBox: SecretBox }

export const ADMIN_ROTATIONS_PATH = '/v1/admin/rotations'
const tags = ['operator']
const security = [{ operatorToken: [] }]

const ACTIONS: { path: string; kind: RotationKind; summary: string; body: typeof operatorTargetBodySchema | typeof operatorActionBodySchema }[] = [
  { path: 'rollback', kind: 'operator_rollback', body: operatorTargetBodySchema, summary: 'Roll back: current := the newest confirmed secret in its window (or the one named); the failed secret is discarded, other retained secrets keep signing' },
  { path: 'recover', kind: 'operator_recover', body: operatorActionBodySchema, summary: 'Recovery rotation: a fresh current, the retained secrets kept (the rollback target\'s window restarted); not blocked by the cooldown' },
  { path: 'expire-previous', kind: 'operator_expire_previous', body: operatorTargetBodySchema, summary: 'Expire every retained secret now (or the one named): it leaked; only the current secret signs' },
]

/** SPEC 6: operator actions, run by the worker like customer rotations, each audited with its reason. */
export const operatorActionRoutes: FastifyPluginAsyncZod<OperatorActionRoutesOptions> = async (app, opts) => {
  const { pool, config, rotationRequests, heldSecrets, secretBox } = opts
  const deps = { pool, config, heldSecrets }
  app.addHook('onRequest', requireOperator(pool, config.API_KEY_PEPPER))
  app.addHook('onSend', async (_request, reply) => { reply.header('cache-control', 'no-store') })
  const notFound = (what: string) => new AppError('RESOURCE_NOT_FOUND', `No such ${what}.`)

  for (const action of ACTIONS) {
    app.post(`/api-keys/:keyId/webhook-secret/${action.path}`, {
      schema: { tags, security, summary: action.summary, params: keyIdParamsSchema, headers: rotateHeadersSchema, body: action.body, response: { 200: rotationEnvelope, 202: rotationEnvelope, ...errorResponses } },
    }, async (request, reply) => {
      const { keyId } = request.params
      const key = UUID_PATTERN.test(keyId) ? await findApiKeyForOperator(pool, keyId, config.ROTATION_COOLDOWN_SECONDS) : undefined
      if (!key) throw notFound('API key')
      if (key.revokedAt !== null) throw keyRevokedError({ id: key.id, revokedAt: key.revokedAt })
      const { waited, replayed, clientGone } = await requestAndWait(rotationRequests, deps, request, reply, {
        apiKeyId: keyId.toLowerCase(),
        kind: action.kind,
        reason: request.body.reason,
        actor: request.operator.name,
        targetSecretVersion: 'secretVersion' in request.body ? request.body.secretVersion ?? null : null,
      }, ADMIN_ROTATIONS_PATH)
      const meta = replayed ? { idempotent: true } : {}
      if (waited.status === 'failed' || waited.status === 'rejected') throw refusalError(waited)
      if (waited.status !== 'succeeded' || clientGone) {
        reply.header('retry-after', '1')
        return reply.code(202).send(envelope(request, 'rotation', toRotationResource(waited), { ...meta, message: 'Accepted; poll the Location URL.' }))
      }
      const row = (await loadRotation(deps, waited.id, null))!
      const secret = revealForResponse(heldSecrets, request, reply, row)
      return reply.code(200).send(envelope(request, 'rotation', toRotationResource(row, secret), {
        ...meta,
        message: secret !== null ? 'Done. Hand the new secret to the customer over the support channel, then acknowledge the rotation.' : 'Done.',
      }))
    })
  }

  app.put('/api-keys/:keyId/webhook-secret/scheme', {
    schema: { tags, security, summary: 'Switch a key\'s signing scheme (symmetric, asymmetric or both); audited with the reason. Answers the public keys, never a private key', params: keyIdParamsSchema, body: operatorSchemeBodySchema, response: { 200: schemeEnvelope, ...errorResponses } },
  }, async (request) => {
    const { keyId } = request.params
    if (!UUID_PATTERN.test(keyId)) throw notFound('API key')
    const { changed, view } = await switchSigningScheme(pool, secretBox, keyId.toLowerCase(), request.body.scheme, {
      actorType: 'operator', actor: request.operator.name, requestId: request.id, sourceIp: request.ip, reason: request.body.reason,
    })
    return envelope(request, 'signingScheme', toSchemeResource(view, config), { message: changed ? 'Done.' : 'Nothing changed: the key already signs with this scheme.' })
  })

  app.put('/api-keys/:keyId/webhook-secret/schedule', {
    schema: { tags, security, summary: 'Set (everyDays 1-365) or remove (null) a key\'s rotation schedule; audited with the reason. Scheduled rotations run by the customer rotation\'s rule and cooldown', params: keyIdParamsSchema, body: operatorScheduleBodySchema, response: { 200: operatorScheduleEnvelope, ...errorResponses } },
  }, async (request) => {
    const { keyId } = request.params
    if (!UUID_PATTERN.test(keyId)) throw notFound('API key')
    const { changed, view } = await setRotationSchedule(pool, keyId.toLowerCase(), request.body.everyDays, {
      actorType: 'operator', actor: request.operator.name, requestId: request.id, sourceIp: request.ip, reason: request.body.reason,
    })
    return envelope(request, 'rotationSchedule', toOperatorScheduleResource(view), { message: scheduleMessage(changed, view) })
  })

  app.get('/rotations/:id', {
    schema: { tags, security, summary: 'An operator action or rotation; a recovery carries its new secret while held', params: rotationParamsSchema, response: { 200: rotationEnvelope, ...errorResponses } },
  }, async (request, reply) => {
    const row = UUID_PATTERN.test(request.params.id) ? await loadRotation(deps, request.params.id.toLowerCase(), null) : undefined
    if (!row) throw notFound('rotation')
    // Customer rotations' secrets belong to the customer: operators see them only as metadata.
    const secret = row.kind === 'operator_recover' ? revealForResponse(heldSecrets, request, reply, row) : null
    return envelope(request, 'rotation', toRotationResource(row, secret))
  })

  app.post('/rotations/:id/acknowledge', {
    schema: { tags, security, summary: 'The recovered secret was handed over: erase the held copy', params: rotationParamsSchema, response: { 200: rotationEnvelope, ...errorResponses } },
  }, async (request) => {
    const row = UUID_PATTERN.test(request.params.id) ? await findRotation(pool, request.params.id.toLowerCase(), null, config.IDEMPOTENCY_RETENTION_SECONDS) : undefined
    if (!row || isCustomersRotation(row.kind)) throw notFound('operator rotation')
    if (!TERMINAL_STATUSES.includes(row.status)) throw new AppError('ROTATION_NOT_FINISHED', 'This action has not finished yet.')
    await heldSecrets.acknowledge(row, requestActor(request))
    const after = (await loadRotation(deps, row.id, null))!
    return envelope(request, 'rotation', toRotationResource(after), { message: 'The held copy of the secret is erased.' })
  })
}
