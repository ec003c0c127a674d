import { randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { startHoldingProxy } from '../fixtures/holding-proxy.js'
import { createOperator } from '../fixtures/operators.js'
import { startReceiver } from '../fixtures/receiver.js'
import { ALL, NONE, verdicts } from '../fixtures/verdicts.js'
import { createSdkLikeClient, SdkLikeError } from '../fixtures/sdk-like-client.js'
import { buildTestContext, createTestDatabase, eventually, json } from '../helper.js'

// Issue 16: a response the service wrote completely can still be lost (a load balancer resets the
// connection, the client dies). The service cannot tell, so every secret the customer may hold
// keeps signing until its own window ends. Real HTTP through a proxy that reads each whole answer
// and resets the client's connection without passing a byte on; a client with the upstream SDK's
// retry policy; real deliveries checked with the official libraries and the upstream verifier.
let databaseUrl: string
beforeAll(async () => { databaseUrl = await createTestDatabase() })

const LOCAL = { WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true', DELIVERY_BACKOFF_BASE_MS: '50', DELIVERY_BACKOFF_CAP_MS: '200', ROTATION_COOLDOWN_SECONDS: '2' }
const METADATA = '/v1/auth/api-keys/me/webhook-secret'
const ROTATIONS = '/v1/auth/api-keys/me/webhook-secret/rotations'

async function setup () {
  const receiver = await startReceiver()
  const ctx = await buildTestContext({ databaseUrl, env: LOCAL })
  const key = await ctx.createKey({ webhookUrl: receiver.url })
  const origin = await ctx.app.listen({ port: 0, host: '127.0.0.1' })
  const proxy = await startHoldingProxy(origin, () => 'reset')
  const client = (baseUrl: string) => createSdkLikeClient({ baseUrl: `${baseUrl}/v1`, apiKey: key.apiKey, timeoutMs: 30_000, backoffMs: () => 50 })
  // One database for the file: operator names must differ per test.
  const operator = await createOperator(ctx, `oncall-${randomUUID().slice(0, 8)}`)
  return {
    ctx,
    key,
    original: key.webhookSecret!,
    receiver,
    /** Every answer is lost after the service wrote it. */
    throughResettingProxy: client(proxy.url),
    direct: client(origin),
    async operatorAction (action: 'rollback' | 'expire-previous', body: Record<string, unknown> = {}) {
      const res = await ctx.app.inject({
        method: 'POST',
        url: `/v1/admin/api-keys/${key.apiKeyId}/webhook-secret/${action}`,
        headers: { authorization: `Bearer ${operator.token}`, 'content-type': 'application/json' },
        payload: JSON.stringify({ reason: `test ${action}`, ...body }),
      })
      expect(res.statusCode, res.body).toBe(200)
      return json(res).rotation as { id: string }
    },
  }
}
type Setup = Awaited<ReturnType<typeof setup>>

/** The delivery of the event that announced `rotationId`. */
async function deliveryOf (s: Setup, rotationId: string) {
  return eventually(async () => s.receiver.received.find((r) => (JSON.parse(r.body) as { data?: { rotationId?: string } }).data?.rotationId === rotationId))
}

async function signingSecrets (s: Setup) {
  return json(await s.ctx.get(s.key.apiKey, METADATA)).webhookSecret.signingSecrets as { secretVersion: number; current: boolean; confirmed: boolean }[]
}

/** Waits for the key's cooldown to end, so the next rotation is applied. */
async function afterCooldown (s: Setup) {
  await eventually(async () => json(await s.ctx.get(s.key.apiKey, METADATA)).webhookSecret.cooldownEndsAt === null, 10_000, 100)
}

/** An SDK-policy call whose every answer (the first and each retry's replay) is lost after the service wrote it. */
async function rotateAndLoseEveryAnswer (s: Setup) {
  await afterCooldown(s)
  const failed = await s.throughResettingProxy.rotateSecret().catch((err: unknown) => err)
  expect(failed).toBeInstanceOf(SdkLikeError)
  expect((failed as SdkLikeError).attempts.map((a) => a.outcome)).toEqual(['network', 'network', 'network', 'network'])
  const { rows } = await s.ctx.pool.query(
    `select id, status, secret_first_delivered_at from webhook_secret_rotations
     where api_key_id = $1 and kind = 'customer' order by requested_at desc limit 1`, [s.key.apiKeyId])
  // The rotation happened once (the retries replayed it) and the service saw its answer written.
  expect(rows[0]).toMatchObject({ status: 'succeeded', secret_first_delivered_at: expect.any(Date) })
  const resource = json(await s.ctx.get(s.key.apiKey, `${ROTATIONS}/${rows[0].id}`)).rotation
  expect(resource.secretFirstDeliveredAt).not.toBeNull()
  expect(resource.secretConfirmedAt).toBeNull()
  return { rotationId: rows[0].id as string, secret: (await s.ctx.secretSlots(s.key.apiKeyId)).current }
}

/** Expire-previous: only the current secret signs, on the key's metadata and on a real delivery. */
async function expirePreviousLeavesOnlyCurrent (s: Setup, formerlySigning: string[]) {
  await s.operatorAction('expire-previous')
  const slots = await s.ctx.secretSlots(s.key.apiKeyId)
  expect(slots.signing).toEqual([slots.current])
  expect(await signingSecrets(s)).toEqual([expect.objectContaining({ current: true })])
  const res = await s.ctx.app.inject({
    method: 'POST', url: `${METADATA}/test-delivery`, headers: { 'x-api-key': s.key.apiKey, 'content-type': 'application/json' }, payload: JSON.stringify({ sign: 'both' }),
  })
  expect(res.statusCode).toBe(202)
  const eventId = json(res).event.id as string
  const delivery = await eventually(async () => s.receiver.received.find((r) => r.headers['webhook-id'] === eventId))
  expect((delivery.headers['x-kash-signature'] as string).match(/v1=/g)).toHaveLength(1)
  expect(verdicts(delivery, slots.current)).toEqual(ALL)
  for (const secret of formerlySigning.filter((x) => x !== slots.current)) expect(verdicts(delivery, secret)).toEqual(NONE)
}

/** The details of the audit event that recorded a rotation's change (a rotation has others: its secret delivered, erased). */
async function auditDetails (s: Setup, rotationId: string, action: 'webhook_secret.rotated' | 'webhook_secret.rolled_back') {
  const { rows } = await s.ctx.pool.query('select details from audit_events where rotation_id = $1 and action = $2', [rotationId, action])
  expect(rows).toHaveLength(1)
  return rows[0].details as Record<string, unknown>
}

describe('a response lost after the service wrote it', () => {
  it('answers dropped after they were written, then a second SDK-policy call after the cooldown: deliveries verify under the original secret and the new one; rollback restores the original', async () => {
    const s = await setup()
    const lost = await rotateAndLoseEveryAnswer(s)

    // The application calls again without the proxy: the SDK policy gets the cooldown 429, sleeps Retry-After, retries and rotates.
    const second = await s.direct.rotateSecret()
    expect(second.attempts[0]!.status).toBe(429)
    expect(second.status).toBe(200)
    const newSecret = second.data.webhookSecret.secret
    expect(second.data.webhookSecret.previousRetainedUntil).toEqual(expect.any(String))

    const delivery = await deliveryOf(s, second.data.webhookSecret.rotationId as string)
    // Signed with the new secret first, then the lost one, then the original: each verifier finds its own further along.
    expect((delivery.headers['webhook-signature'] as string).split(' ')).toHaveLength(3)
    expect(verdicts(delivery, s.original)).toEqual(ALL)
    expect(verdicts(delivery, lost.secret)).toEqual(ALL)
    expect(verdicts(delivery, newSecret)).toEqual(ALL)

    const rollback = await s.operatorAction('rollback')
    expect((await s.ctx.secretSlots(s.key.apiKeyId)).current).toBe(s.original)
    expect(await auditDetails(s, rollback.id, 'webhook_secret.rolled_back')).toMatchObject({ restoredConfirmed: true })
    const rolledBack = await deliveryOf(s, rollback.id)
    expect(verdicts(rolledBack, s.original)).toEqual(ALL)
    // The secret nobody confirmed still signs until its window ends; the failed newest one is gone.
    expect(verdicts(rolledBack, lost.secret)).toEqual(ALL)
    expect(verdicts(rolledBack, newSecret)).toEqual(NONE)

    await expirePreviousLeavesOnlyCurrent(s, [s.original, lost.secret, newSecret])
  })

  for (const acknowledged of [true, false]) {
    it(`the answer received${acknowledged ? ' and acknowledged' : ', never acknowledged'}, then a normal rotation later: deliveries verify under the received secret and the new one; after a rollback they verify under the received secret`, async () => {
      const s = await setup()
      const first = await s.direct.rotateSecret()
      const received = first.data.webhookSecret.secret
      const firstId = first.data.webhookSecret.rotationId as string
      if (acknowledged) {
        const ack = await s.ctx.post(s.key.apiKey, `${ROTATIONS}/${firstId}/acknowledge`)
        expect(ack.statusCode).toBe(200)
        expect(json(ack).rotation.secretConfirmedAt).toEqual(expect.any(String))
      }

      await afterCooldown(s)
      const later = await s.direct.rotateSecret()
      expect(later.attempts).toHaveLength(1)
      const newSecret = later.data.webhookSecret.secret
      const delivery = await deliveryOf(s, later.data.webhookSecret.rotationId as string)
      expect(verdicts(delivery, received)).toEqual(ALL)
      expect(verdicts(delivery, newSecret)).toEqual(ALL)
      expect(verdicts(delivery, s.original)).toEqual(ALL) // its window lasts
      expect(await signingSecrets(s)).toEqual([
        expect.objectContaining({ current: true, confirmed: false }),
        expect.objectContaining({ current: false, confirmed: acknowledged }),
        expect.objectContaining({ current: false, confirmed: true }),
      ])

      const rollback = await s.operatorAction('rollback')
      // The newest confirmed secret: the received one once acknowledged, else the one issued with the key;
      // either way the received secret keeps signing.
      expect((await s.ctx.secretSlots(s.key.apiKeyId)).current).toBe(acknowledged ? received : s.original)
      const rolledBack = await deliveryOf(s, rollback.id)
      expect(verdicts(rolledBack, received)).toEqual(ALL)
      expect(verdicts(rolledBack, newSecret)).toEqual(NONE)

      await expirePreviousLeavesOnlyCurrent(s, [s.original, received, newSecret])
    })
  }

  it('three quick rotations whose answers were all lost after writing: every one signs; a fourth drops the oldest lost one, never the confirmed original', async () => {
    const s = await setup()
    expect(s.ctx.config.SIGNING_SECRETS_MAX).toBe(4)
    const lost = []
    for (let i = 0; i < 3; i++) lost.push(await rotateAndLoseEveryAnswer(s))
    const third = await deliveryOf(s, lost[2]!.rotationId)
    for (const secret of [s.original, ...lost.map((l) => l.secret)]) expect(verdicts(third, secret)).toEqual(ALL)
    expect((await signingSecrets(s)).map((x) => x.confirmed)).toEqual([false, false, false, true])

    // Past the bound (README: at most SIGNING_SECRETS_MAX secrets sign): the oldest unconfirmed one stops signing.
    const fourth = await rotateAndLoseEveryAnswer(s)
    const delivery = await deliveryOf(s, fourth.rotationId)
    for (const secret of [s.original, lost[1]!.secret, lost[2]!.secret, fourth.secret]) expect(verdicts(delivery, secret)).toEqual(ALL)
    expect(verdicts(delivery, lost[0]!.secret)).toEqual(NONE)
    expect(await auditDetails(s, fourth.rotationId, 'webhook_secret.rotated')).toMatchObject({ droppedSecretVersions: [2] })
    expect((await s.ctx.secretSlots(s.key.apiKeyId)).signing).toEqual([fourth.secret, lost[2]!.secret, lost[1]!.secret, s.original])

    // No secret here was confirmed but the original: a rollback restores it and says so.
    const rollback = await s.operatorAction('rollback')
    expect((await s.ctx.secretSlots(s.key.apiKeyId)).current).toBe(s.original)
    expect(await auditDetails(s, rollback.id, 'webhook_secret.rolled_back')).toMatchObject({ restoredConfirmed: true, restoredSecretVersion: 1 })

    await expirePreviousLeavesOnlyCurrent(s, [s.original, ...lost.map((l) => l.secret), fourth.secret])
  })

  it('rolls back to a named in-window secret, and with no confirmed secret in its window restores the newest one and says so', async () => {
    const s = await setup()
    const lost = await rotateAndLoseEveryAnswer(s)
    // The original leaked: only the lost one and the current sign; neither is confirmed.
    await s.operatorAction('expire-previous', { secretVersion: 1 })
    expect((await s.ctx.secretSlots(s.key.apiKeyId)).signing).toEqual([lost.secret])
    const second = await rotateAndLoseEveryAnswer(s)
    expect((await s.ctx.secretSlots(s.key.apiKeyId)).signing).toEqual([second.secret, lost.secret])

    const rollback = await s.operatorAction('rollback')
    expect((await s.ctx.secretSlots(s.key.apiKeyId)).current).toBe(lost.secret)
    expect(await auditDetails(s, rollback.id, 'webhook_secret.rolled_back')).toMatchObject({ restoredConfirmed: false, restoredSecretVersion: 2, targetNamed: false })

    // Naming a version that does not sign is refused, and changes nothing.
    const before = await s.ctx.secretSlots(s.key.apiKeyId)
    const refused = await s.ctx.app.inject({
      method: 'POST',
      url: `/v1/admin/api-keys/${s.key.apiKeyId}/webhook-secret/rollback`,
      headers: { authorization: `Bearer ${(await createOperator(s.ctx, `second-${randomUUID().slice(0, 8)}`)).token}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ reason: 'named', secretVersion: 1 }),
    })
    expect(refused.statusCode).toBe(409)
    expect(json(refused).code).toBe('NO_PREVIOUS_SECRET')
    expect(await s.ctx.secretSlots(s.key.apiKeyId)).toEqual(before)
  })
})
