import { z } from 'zod'

/**
 * The upstream TypeScript SDK's published response schemas, written down as it validates them
 * (every 2xx body is parsed; a missing field or a wrong type throws). Objects are not strict:
 * the SDK ignores members it does not know, so our own fields may stand beside these.
 */
const datetime = z.iso.datetime() // ISO-8601 with Z, no offset

const meta = z.object({ requestId: z.string(), timestamp: datetime })

export const sdkWebhookEvent = z.object({
  id: z.uuid(),
  eventType: z.string(),
  tradeRequestId: z.uuid().nullable(),
  emittedAt: datetime,
  outboxEmittedAt: datetime.nullable(),
  replayCount: z.number().int().min(0),
  status: z.enum(['none', 'pending', 'delivered', 'retrying', 'failed']),
  delivery: z.object({
    attempts: z.number().int().min(0),
    lastAttemptedAt: datetime.nullable(),
    lastDeliveredAt: datetime.nullable(),
    lastStatusCode: z.number().int().nullable(),
    lastFailureCode: z.string().nullable(),
    lastErrorMessage: z.string().nullable(),
    terminalFailureAt: datetime.nullable(),
  }),
})

export const sdkWebhookEventList = z.object({
  data: z.array(sdkWebhookEvent),
  pagination: z.object({ cursor: z.string().nullable(), hasMore: z.boolean(), limit: z.number().int() }),
  _meta: meta,
})

const redeliveredEvent = z.object({
  id: z.uuid(),
  eventType: z.string(),
  apiKeyId: z.uuid(),
  tradeRequestId: z.uuid().nullable(),
  emittedAt: datetime,
  lastDeliveredAt: datetime.nullable(),
  deliveryAttempts: z.number().int().min(0),
})

export const sdkRedeliverResponse = z.object({
  event: redeliveredEvent,
  data: redeliveredEvent,
  _meta: meta.extend({ message: z.string() }),
})

const rotatedSecret = z.object({ secret: z.string().startsWith('whsec_'), rotatedAt: datetime, previousRetainedUntil: datetime })

export const sdkRotateResponse = z.object({
  webhookSecret: rotatedSecret,
  data: rotatedSecret,
  _meta: meta.extend({ message: z.string() }),
})
