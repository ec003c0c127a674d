import type pg from 'pg'
import type { Logger } from 'pino'
import { readWebhookSecretMetadata } from '../db/api-keys-repository.js'
import { startRedelivery, findWebhookEvent, type SignWith, type WebhookEventRow } from '../db/webhook-events-repository.js'
import { AppError } from '../errors/app-error.js'
import { recordWebhookEvent, REDELIVERY_LIMIT } from './webhook-events.js'
import { listPublicSigningKeys, readSigningScheme } from '../db/signing-keys-repository.js'
import { signsAsymmetric, signsSymmetric } from './signing-keys.js'

export interface WebhookDeliveriesDeps {
  pool: pg.Pool
  cooldownSeconds: number
  enqueue: (event: { id: string; jobId: string }) => Promise<void>
  log: Logger
}

/** What customers ask of deliveries: a signed test event, and sending an event again. */
export function createWebhookDeliveries ({ pool, cooldownSeconds, enqueue, log }: WebhookDeliveriesDeps) {
  async function dispatch (event: WebhookEventRow) {
    try {
      await enqueue(event)
    } catch (err) {
      // Recorded in Postgres as pending: the reconciler adds the job when Redis answers.
      log.warn({ err, eventId: event.id }, 'delivery enqueue failed; left to the reconciler')
    }
    return event
  }

  /** Whether anything earlier signs under the key's scheme: a retained secret, a retained key pair. */
  async function signsWithPrevious (apiKeyId: string, previousSecret: boolean) {
    const { scheme } = await readSigningScheme(pool, apiKeyId)
    const previousKeyPair = signsAsymmetric(scheme) && (await listPublicSigningKeys(pool, apiKeyId)).some((k) => !k.current)
    return (signsSymmetric(scheme) && previousSecret) || previousKeyPair
  }

  /** A `webhook.test` event signed as asked, so a customer can prove a verifier before the window ends. */
  async function sendTestEvent (apiKeyId: string, signWith: SignWith) {
    const key = await readWebhookSecretMetadata(pool, apiKeyId, cooldownSeconds)
    if (key.webhookUrl === null) throw new AppError('WEBHOOK_NOT_CONFIGURED', 'This API key has no webhook URL to deliver to.')
    if (signWith === 'previous' && !(await signsWithPrevious(apiKeyId, key.previousRetainedUntil !== null))) {
      throw new AppError('NO_PREVIOUS_SECRET', 'This key holds no previous secret or key pair (none yet, or its window ended), so nothing can be signed with it.')
    }
    const event = await recordWebhookEvent(pool, {
      apiKeyId,
      type: 'webhook.test',
      createdAt: new Date(),
      signWith,
      data: { apiKeyId, signedWith: signWith, secretVersion: key.secretVersion, previousRetainedUntil: key.previousRetainedUntil?.toISOString() ?? null },
    })
    return dispatch(event)
  }

  async function redeliver (apiKeyId: string, eventId: string) {
    const event = await findWebhookEvent(pool, eventId, apiKeyId)
    if (!event) throw new AppError('RESOURCE_NOT_FOUND', 'No such event for this API key.')
    const key = await readWebhookSecretMetadata(pool, apiKeyId, cooldownSeconds)
    if (key.webhookUrl === null) throw new AppError('WEBHOOK_NOT_CONFIGURED', 'This API key has no webhook URL to deliver to.')
    const restarted = await startRedelivery(pool, eventId, apiKeyId, REDELIVERY_LIMIT)
    if (!restarted) {
      throw new AppError('WEBHOOK_REPLAY_LIMIT_REACHED', `This event was already redelivered ${REDELIVERY_LIMIT} times, the most allowed. Send a test delivery instead.`)
    }
    return dispatch(restarted)
  }

  return { sendTestEvent, redeliver }
}

export type WebhookDeliveries = ReturnType<typeof createWebhookDeliveries>
