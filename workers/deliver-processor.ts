import { UnrecoverableError, type Job } from 'bullmq'
import type pg from 'pg'
import type { Logger } from 'pino'
import type { Config } from '../src/config/config.js'
import { aad, type SecretBox } from '../src/crypto/secret-box.js'
import { findDeliveryTarget, recordDeliveryAttempt, type DeliveryTarget } from '../src/db/webhook-events-repository.js'
import type { sendWebhook } from '../src/delivery/http-sender.js'
import { deliveryJobData, type DeliveryJobData, type DeliveryJobResult } from '../src/queue/delivery-queue.js'
import { SIGNATURE_HEADER, signPayload, standardWebhookHeadersWithKeys } from '@webhook-secret-rotation/signing'

/** A receiver that did not take the delivery; BullMQ retries it. Logged as 'delivery attempted', not as a fault. */
export class DeliveryAttemptFailed extends Error {}

export const USER_AGENT = 'Kash-Webhooks/1.0 (+/v1/docs)'

export interface DeliverProcessorDeps {
  pool: pg.Pool
  secretBox: SecretBox
  config: Pick<Config, 'DELIVERY_TIMEOUT_MS' | 'WEBHOOK_ALLOW_PRIVATE_ADDRESSES' | 'SIGNING_SECRETS_MAX'>
  log: Logger
  send: typeof sendWebhook
}

/**
 * The secrets to sign with, as they are in force now: the current one first, then every retained
 * secret still in its window, newest first (`previous` means those alone).
 */
function signingSecrets (target: DeliveryTarget, secretBox: SecretBox): string[] {
  const current = secretBox.decrypt(target.webhookSecret!, aad.current(target.apiKeyId))
  const retained = target.retainedSecrets.map((s) => secretBox.decrypt(s, aad.previous(target.apiKeyId)))
  switch (target.signWith) {
    case 'current': return [current]
    case 'previous': return retained
    case 'both': return [current, ...retained]
  }
}

/**
 * The private keys to sign with (v1a), chosen as the secrets are: the current key pair, the
 * retained ones in their window, or both. None unless the key's scheme signs with v1a.
 */
function signingPrivateKeys (target: DeliveryTarget, secretBox: SecretBox): string[] {
  if (target.signingScheme === 'symmetric') return []
  const chosen = target.signingKeys.filter((k) => target.signWith === 'both' || k.current === (target.signWith === 'current'))
  return chosen.map((k) => secretBox.decrypt(k.privateKey, aad.signingKey(target.apiKeyId, k.keyVersion)))
}

/**
 * Delivers one webhook event: POST the fixed body, signed at send time. 2xx delivered; 408, 429,
 * 5xx, timeouts and network errors are retried by BullMQ (jittered exponential backoff, capped);
 * anything else fails for good. At-least-once: a repeated job of a delivered event sends nothing.
 */
export function createDeliverProcessor ({ pool, secretBox, config, log, send }: DeliverProcessorDeps) {
  return async function processDelivery (job: Job<DeliveryJobData, DeliveryJobResult>): Promise<DeliveryJobResult> {
    const parsed = deliveryJobData.safeParse(job.data)
    if (!parsed.success) throw new UnrecoverableError('invalid delivery job data')
    const { eventId } = parsed.data
    const jobLog = log.child({ jobId: job.id, queue: job.queueName, eventId })

    const target = await findDeliveryTarget(pool, eventId, config.SIGNING_SECRETS_MAX - 1)
    if (!target) throw new UnrecoverableError(`event ${eventId} does not exist`)
    // A delivered event, or a job superseded by a redelivery, sends nothing.
    if (target.status === 'delivered' || target.status === 'none' || target.jobId !== job.id) return { eventId, status: target.status }
    if (target.webhookUrl === null) {
      await recordDeliveryAttempt(pool, eventId, { status: 'failed', statusCode: null, error: 'no webhook URL configured' })
      return { eventId, status: 'failed' }
    }
    if (target.webhookSecret === null) {
      await recordDeliveryAttempt(pool, eventId, { status: 'failed', statusCode: null, error: 'the key was revoked; its secrets are erased' })
      return { eventId, status: 'failed' }
    }
    const secrets = target.signingScheme === 'asymmetric' ? [] : signingSecrets(target, secretBox)
    const privateKeys = signingPrivateKeys(target, secretBox)
    if (secrets.length === 0 && privateKeys.length === 0) {
      await recordDeliveryAttempt(pool, eventId, { status: 'failed', statusCode: null, error: 'no previous secret to sign with' })
      return { eventId, status: 'failed' }
    }

    const now = Date.now()
    const result = await send({
      url: target.webhookUrl,
      body: target.body,
      headers: {
        'content-type': 'application/json',
        // X-Kash-Signature is HMAC only: a key that signs with v1a alone does not send it.
        ...(secrets.length > 0 ? { [SIGNATURE_HEADER.toLowerCase()]: signPayload(target.body, secrets, now) } : {}),
        ...standardWebhookHeadersWithKeys(eventId, target.body, { secrets, privateKeys }, now),
        'x-kash-event-id': eventId,
        'user-agent': USER_AGENT,
      },
      timeoutMs: config.DELIVERY_TIMEOUT_MS,
      allowPrivateAddresses: config.WEBHOOK_ALLOW_PRIVATE_ADDRESSES,
    })
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1)
    const status = result.outcome === 'delivered' ? 'delivered' : result.outcome === 'retry' && !lastAttempt ? 'retrying' : 'failed'
    const error = result.outcome === 'delivered' ? null : result.error
    await recordDeliveryAttempt(pool, eventId, { status, statusCode: result.statusCode, error })
    jobLog.info({ status, statusCode: result.statusCode, attempt: job.attemptsMade + 1, error }, 'delivery attempted')
    if (status === 'retrying') throw new DeliveryAttemptFailed(`delivery attempt failed: ${error}`)
    return { eventId, status }
  }
}
