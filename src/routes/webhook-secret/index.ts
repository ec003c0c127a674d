import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { RedisClient } from '../../queue/redis.js'
import type pg from 'pg'
import type { Config } from '../../config/config.js'
import { readWebhookSecretMetadata } from '../../db/api-keys-repository.js'
import { isCustomersRotation, listRotations } from '../../db/rotations-repository.js'
import type { HeldSecrets } from '../../domain/held-secrets.js'
import type { RotationRequests } from '../../domain/rotation-requests.js'
import { describeSigningSet } from '../../domain/signing-set.js'
import { readSchemeView, switchSigningScheme, toPublicKeyResource } from '../../domain/signing-keys.js'
import { findSigningKeyByRotation } from '../../db/signing-keys-repository.js'
import type { SecretBox } from '../../crypto/secret-box.js'
import { toSchemeResource } from '../../http/scheme-resource.js'
import { toScheduleResource } from '../../http/schedule-resource.js'
import { readRotationSchedule } from '../../db/rotation-schedules-repository.js'
import { AppError } from '../../errors/app-error.js'
import { envelope, iso } from '../../http/envelope.js'
import { decodeCursor, pageResponse, UUID_PATTERN } from '../../http/cursor.js'
import { toRotationListItem, toRotationResource } from '../../http/rotation-resource.js'
import { customerOnRequest } from '../../plugins/customer-auth.js'
import { rotateOnRequest } from '../../plugins/rotate-auth.js'
import { errorResponses } from '../../schemas/common.js'
import {
  acceptedRotationEnvelope, metadataEnvelope, rotateBodySchema, schemeBodySchema, schemeEnvelope, rotateUnavailableSchema, rotateHeadersSchema, rotatedSecretEnvelope, rotationEnvelope, rotationListQuerySchema,
  rotationListSchema, rotationParamsSchema,
} from '../../schemas/webhook-secret.js'
import { loadRotation, requestActor, requestAndWait, revealForResponse, sendRotateOutcome } from './rotation-outcome.js'

export interface WebhookSecretRoutesOptions {
  pool: pg.Pool
  redis: RedisClient
  config: Config
  rotationRequests: RotationRequests
  heldSecrets: HeldSecrets
  secretBox: SecretBox
}

export const ROTATIONS_PATH = '/v1/auth/api-keys/me/webhook-secret/rotations'
const tags = ['webhook secret']

/** Customer routes under /v1/auth/api-keys/me/webhook-secret. */
export const webhookSecretRoutes: FastifyPluginAsyncZod<WebhookSecretRoutesOptions> = async (app, opts) => {
  const { pool, redis, config, rotationRequests, heldSecrets, secretBox } = opts
  const outcomeDeps = { pool, config, heldSecrets }
  const onRequest = customerOnRequest({ pool, redis, config })

  app.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', 'no-store')
  })

  async function ownRotation (id: string, apiKeyId: string) {
    const row = UUID_PATTERN.test(id) ? await loadRotation(outcomeDeps, id.toLowerCase(), apiKeyId) : undefined
    if (!row) throw new AppError('RESOURCE_NOT_FOUND', 'No such rotation for this API key.')
    return row
  }

  app.post('/rotate', {
    onRequest: rotateOnRequest({ pool, config }),
    schema: {
      tags,
      summary: 'Rotate the webhook signing secret',
      description: 'Send an Idempotency-Key: a replay returns the same rotation and secret, never a second rotation. Without Prefer the request waits up to ROTATE_WAIT_DEFAULT_MS (25 s) and, if the rotation has not finished, answers 503 ROTATION_IN_PROGRESS: retry with the same key. Prefer: respond-async or wait=<seconds> asks for 202 with the rotation instead.',
      headers: rotateHeadersSchema,
      body: rotateBodySchema,
      response: { 200: rotatedSecretEnvelope, 202: acceptedRotationEnvelope, ...errorResponses, 503: rotateUnavailableSchema },
    },
  }, async (request, reply) => {
    const { waited, replayed, clientGone, asyncAsked } = await requestAndWait(rotationRequests, outcomeDeps, request, reply, {
      apiKeyId: request.apiKey.id, kind: 'customer', reason: request.body?.reason ?? null, actor: request.apiKey.id, prefetched: request.rotationState,
    }, ROTATIONS_PATH)
    return sendRotateOutcome(outcomeDeps, request, reply, waited, { replayed, locationBase: ROTATIONS_PATH, clientGone, asyncAsked })
  })

  app.get('/rotations/:id', {
    onRequest,
    schema: { tags, summary: 'Get a rotation; carries its new secret while held', params: rotationParamsSchema, response: { 200: rotationEnvelope, ...errorResponses } },
  }, async (request, reply) => {
    const row = await ownRotation(request.params.id, request.apiKey.id)
    // A held secret goes to whoever asked for it: an operator recovery's secret is handed over by the operator.
    const secret = isCustomersRotation(row.kind) ? revealForResponse(heldSecrets, request, reply, row) : null
    const keyPair = await findSigningKeyByRotation(pool, row)
    return envelope(request, 'rotation', { ...toRotationResource(row, secret), ...(keyPair ? { signingKey: toPublicKeyResource(keyPair) } : {}) })
  })

  app.get('/rotations', {
    onRequest,
    schema: { tags, summary: 'List rotations, newest first', querystring: rotationListQuerySchema, response: { 200: rotationListSchema, ...errorResponses } },
  }, async (request) => {
    const { limit, cursor, kind } = request.query
    const after = decodeCursor(cursor)
    await heldSecrets.settle({ apiKeyId: request.apiKey.id })
    const page = await listRotations(pool, request.apiKey.id, { limit, after, kind }, config.IDEMPOTENCY_RETENTION_SECONDS)
    return pageResponse(request, page, limit, toRotationListItem)
  })

  app.post('/rotations/:id/acknowledge', {
    onRequest,
    schema: { tags, summary: 'Confirm the new secret is stored; the held copy is erased', params: rotationParamsSchema, response: { 200: rotationEnvelope, ...errorResponses } },
  }, async (request) => {
    const row = await ownRotation(request.params.id, request.apiKey.id)
    if (!isCustomersRotation(row.kind)) throw new AppError('RESOURCE_NOT_FOUND', 'No such customer rotation for this API key; an operator action is acknowledged by the operator.')
    if (row.status === 'queued' || row.status === 'processing') {
      throw new AppError('ROTATION_NOT_FINISHED', 'This rotation has no secret yet; poll it until it has succeeded, store the secret, then acknowledge.')
    }
    await heldSecrets.acknowledge(row, requestActor(request))
    const after = await ownRotation(row.id, request.apiKey.id)
    return envelope(request, 'rotation', toRotationResource(after), { message: 'The held copy of the secret is erased.' })
  })

  app.get('', {
    onRequest,
    schema: { tags, summary: 'Webhook secret metadata (never the secret)', response: { 200: metadataEnvelope, ...errorResponses } },
  }, async (request) => {
    const m = await readWebhookSecretMetadata(pool, request.apiKey.id, config.ROTATION_COOLDOWN_SECONDS)
    const signingSecrets = await describeSigningSet(pool, { id: request.apiKey.id, secretVersion: m.secretVersion, currentConfirmed: m.currentConfirmed, hasSecret: m.webhookUrl !== null })
    return envelope(request, 'webhookSecret', {
      secretVersion: m.secretVersion,
      rotatedAt: iso(m.rotatedAt),
      previousRetainedUntil: iso(m.previousRetainedUntil),
      cooldownEndsAt: iso(m.cooldownEndsAt),
      webhookUrl: m.webhookUrl,
      signingSecrets,
      ...toSchemeResource(await readSchemeView(pool, request.apiKey.id), config),
      rotationSchedule: toScheduleResource(await readRotationSchedule(pool, request.apiKey.id)),
    })
  })

  app.put('/scheme', {
    onRequest,
    schema: {
      tags,
      summary: 'Choose how deliveries are signed: symmetric (whsec_), asymmetric (ed25519, v1a) or both',
      description: 'Switching to asymmetric or both makes the key\'s first key pair when it has none and answers its public key (never the private key). The same scheme again changes nothing. Audited.',
      body: schemeBodySchema,
      response: { 200: schemeEnvelope, ...errorResponses },
    },
  }, async (request) => {
    const { changed, view } = await switchSigningScheme(pool, secretBox, request.apiKey.id, request.body.scheme, {
      actorType: 'customer', actor: request.apiKey.id, requestId: request.id, sourceIp: request.ip, reason: request.body.reason ?? null,
    })
    return envelope(request, 'signingScheme', toSchemeResource(view, config), {
      message: changed ? `Deliveries are now signed with the ${view.signingScheme} scheme.` : `The key already signs with the ${view.signingScheme} scheme; nothing changed.`,
    })
  })
}
