import { randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { aad, createSecretBox } from '../../src/crypto/secret-box.js'
import { verifySignature } from '../../src/signing/index.js'
import { createOperator } from '../fixtures/operators.js'
import { startReceiver } from '../fixtures/receiver.js'
import { buildTestContext, createTestDatabase, eventually, json } from '../helper.js'

let databaseUrl: string
beforeAll(async () => { databaseUrl = await createTestDatabase() })

describe('the upstream failure story, end to end', () => {
  it('a lost rotation response, an expired hold, an operator recovery: the old verifier keeps working and rollback restores its secret', async () => {
    const receiver = await startReceiver()
    const ctx = await buildTestContext({ databaseUrl, worker: false, env: { SECRET_HOLD_SECONDS: '1', WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true' } })
    const key = await ctx.createKey({ webhookUrl: receiver.url })
    const operator = await createOperator(ctx, 'support-alice')
    const s0 = key.webhookSecret! // the only secret the customer's verifier knows
    const oldVerifier = (r: { body: string; headers: Record<string, unknown> }) => verifySignature(r.body, r.headers['x-kash-signature'] as string, s0)
    const admin = (action: string) => ctx.app.inject({
      method: 'POST',
      url: `/v1/admin/api-keys/${key.apiKeyId}/webhook-secret/${action}`,
      headers: { authorization: `Bearer ${operator.token}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ reason: 'customer lost the rotated secret (ticket 4711)' }),
    })

    // 1. The customer rotates; the response is lost (the client gives up while the job waits).
    const address = await ctx.app.listen({ port: 0, host: '127.0.0.1' })
    const idempotencyKey = randomUUID()
    const aborter = new AbortController()
    const lost = fetch(`${address}/v1/auth/api-keys/me/webhook-secret/rotate`, {
      method: 'POST', headers: { 'x-api-key': key.apiKey, 'idempotency-key': idempotencyKey }, signal: aborter.signal,
    })
    await eventually(async () => (await ctx.pool.query('select 1 from webhook_secret_rotations where api_key_id = $1', [key.apiKeyId])).rowCount)
    aborter.abort()
    await expect(lost).rejects.toThrow()
    ctx.startWorker()

    // 2. The new secret S1 is in force but nobody has it; the hold runs out before anyone asks.
    const [rotatedEvent] = await receiver.waitFor(1)
    expect(oldVerifier(rotatedEvent!).ok).toBe(true) // dual-signed: previous = S0
    await new Promise((resolve) => setTimeout(resolve, 1100))
    const replay = await ctx.rotate(key.apiKey, { idempotencyKey })
    expect(replay.statusCode).toBe(410)
    expect(replay.headers['x-error-code']).toBe('WEBHOOK_SECRET_NO_LONGER_HELD')
    const again = await ctx.rotate(key.apiKey, { idempotencyKey: randomUUID() })
    expect(again.statusCode).toBe(429) // rotating again would push S1, never received, into the rollback slot
    expect(json(again)).toMatchObject({ code: 'WEBHOOK_SECRET_ROTATION_COOLDOWN', secretRecoverable: false })
    const box = createSecretBox(ctx.config.SECRET_ENCRYPTION_KEYS)
    const { rows: [lostRow] } = await ctx.pool.query('select webhook_secret from api_keys where id = $1', [key.apiKeyId])
    const s1 = box.decrypt(lostRow.webhook_secret, aad.current(key.apiKeyId))

    // 3. Support runs a recovery rotation: a fresh S2, S0 kept as previous, not blocked by the cooldown.
    const recovered = await admin('recover')
    expect(recovered.statusCode).toBe(200)
    const s2 = json(recovered).rotation.secret as string
    expect(s2).toMatch(/^whsec_/)
    const [, recoveryEvent] = await receiver.waitFor(2)
    expect(JSON.parse(recoveryEvent!.body)).toMatchObject({ type: 'webhook_secret.rotated', data: { kind: 'operator_recover' } })
    expect(oldVerifier(recoveryEvent!).ok).toBe(true) // the customer's old verifier still verifies, through previous
    expect(verifySignature(recoveryEvent!.body, recoveryEvent!.headers['x-kash-signature'] as string, s2).ok).toBe(true)
    expect(verifySignature(recoveryEvent!.body, recoveryEvent!.headers['x-kash-signature'] as string, s1).ok).toBe(false) // the lost secret is gone
    const ack = await ctx.app.inject({ method: 'POST', url: `/v1/admin/rotations/${json(recovered).rotation.id}/acknowledge`, headers: { authorization: `Bearer ${operator.token}` } })
    expect(json(ack).rotation).toMatchObject({ secret: null, secretErasedReason: 'acknowledged' })

    // 4. If the new secret misbehaves, rollback restores exactly S0, and signing with it alone.
    const rolledBack = await admin('rollback')
    expect(rolledBack.statusCode).toBe(200)
    // S0 was the only retained secret: restored, it leaves the signing set, so S0 alone signs (S1 and S2 discarded).
    const after = await ctx.secretSlots(key.apiKeyId)
    expect(after.current).toBe(s0)
    expect(after.signing).toEqual([s0])
    expect(after.previous).toBeNull()
    const { rows: retained } = await ctx.pool.query('select secret_version, secret, ended_reason from retained_webhook_secrets where api_key_id = $1 order by secret_version', [key.apiKeyId])
    expect(retained).toEqual([{ secret_version: 1, secret: null, ended_reason: 'restored' }])
    const [, , rollbackEvent] = await receiver.waitFor(3)
    expect(JSON.parse(rollbackEvent!.body).type).toBe('webhook_secret.rolled_back')
    expect(rollbackEvent!.headers['x-kash-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/)
    expect(oldVerifier(rollbackEvent!).ok).toBe(true)

    const { rows: audit } = await ctx.pool.query('select action, actor from audit_events where api_key_id = $1 and actor_type = $2 order by id', [key.apiKeyId, 'operator'])
    expect(audit.map((a) => a.action)).toEqual(['webhook_secret.recovered', 'webhook_secret.held_secret_delivered', 'webhook_secret.held_secret_erased', 'webhook_secret.rolled_back'])
    expect(new Set(audit.map((a) => a.actor))).toEqual(new Set(['support-alice']))
  })
})
