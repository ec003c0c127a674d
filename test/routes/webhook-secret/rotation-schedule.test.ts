import { randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { revokeKey } from '../../../src/domain/api-keys.js'
import { createOperator } from '../../fixtures/operators.js'
import { runAdminCli } from '../../fixtures/run-admin.js'
import { putOperatorSchedule, putSchedule, SCHEDULE_PATH } from '../../fixtures/rotation-schedule.js'
import { buildTestContext, createTestDatabase, json, type TestContext } from '../../helper.js'

let databaseUrl: string
beforeAll(async () => { databaseUrl = await createTestDatabase() })

const METADATA = '/v1/auth/api-keys/me/webhook-secret'
const DAY_MS = 86_400_000

async function scheduleState (ctx: TestContext, keyId: string) {
  const { rows: [key] } = await ctx.pool.query('select rotation_interval_days, rotation_schedule_set_at, rotation_schedule_set_by from api_keys where id = $1', [keyId])
  const { rows: audits } = await ctx.pool.query(
    "select actor_type, actor, reason, details from audit_events where api_key_id = $1 and action = 'webhook_secret.schedule_changed' order by id", [keyId])
  return { key, audits }
}

describe('PUT and DELETE /v1/auth/api-keys/me/webhook-secret/schedule', () => {
  it('sets a schedule, shows it with its next run, changes it, removes it; each change audited, a repeat changes nothing', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false })
    const key = await ctx.createKey()
    expect(json(await ctx.get(key.apiKey, METADATA)).webhookSecret.rotationSchedule).toEqual({ everyDays: null, setAt: null, nextRotationAt: null })

    const set = await putSchedule(ctx, key.apiKey, { everyDays: 30, reason: 'policy' })
    expect(set.statusCode).toBe(200)
    expect(set.headers['cache-control']).toBe('no-store')
    const schedule = json(set).rotationSchedule
    expect(schedule.everyDays).toBe(30)
    // Never rotated: the count starts when the schedule is set.
    expect(Date.parse(schedule.nextRotationAt) - Date.parse(schedule.setAt)).toBe(30 * DAY_MS)
    expect(json(await ctx.get(key.apiKey, METADATA)).webhookSecret.rotationSchedule).toEqual(schedule)

    const again = await putSchedule(ctx, key.apiKey, { everyDays: 30 })
    expect(json(again).rotationSchedule).toEqual(schedule)
    expect(json(again)._meta.message).toMatch(/Nothing changed/)

    const shorter = json(await putSchedule(ctx, key.apiKey, { everyDays: 7 })).rotationSchedule
    expect(Date.parse(shorter.nextRotationAt) - Date.parse(shorter.setAt)).toBe(7 * DAY_MS)

    const removed = await ctx.app.inject({ method: 'DELETE', url: SCHEDULE_PATH, headers: { 'x-api-key': key.apiKey } })
    expect(removed.statusCode).toBe(200)
    expect(json(removed).rotationSchedule).toEqual({ everyDays: null, setAt: null, nextRotationAt: null })
    const { key: row, audits } = await scheduleState(ctx, key.apiKeyId)
    expect(row).toEqual({ rotation_interval_days: null, rotation_schedule_set_at: null, rotation_schedule_set_by: null })
    expect(audits).toEqual([
      { actor_type: 'customer', actor: key.apiKeyId, reason: 'policy', details: { fromEveryDays: null, toEveryDays: 30 } },
      { actor_type: 'customer', actor: key.apiKeyId, reason: null, details: { fromEveryDays: 30, toEveryDays: 7 } },
      { actor_type: 'customer', actor: key.apiKeyId, reason: null, details: { fromEveryDays: 7, toEveryDays: null } },
    ])
    // null through PUT removes it too; removing what is not there changes nothing.
    expect(json(await putSchedule(ctx, key.apiKey, { everyDays: null }))._meta.message).toMatch(/Nothing changed/)
  })

  it('counts from the last rotation when that is later than the schedule', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const key = await ctx.createKey()
    await putSchedule(ctx, key.apiKey, { everyDays: 2 })
    const rotated = json(await ctx.rotate(key.apiKey, { idempotencyKey: randomUUID() })).webhookSecret
    const schedule = json(await ctx.get(key.apiKey, METADATA)).webhookSecret.rotationSchedule
    expect(Date.parse(schedule.nextRotationAt) - Date.parse(rotated.rotatedAt)).toBe(2 * DAY_MS)
  })

  it.each([
    [{ everyDays: 0 }],
    [{ everyDays: 366 }],
    [{ everyDays: 1.5 }],
    [{ everyDays: '7' }],
    [{}],
    [{ everyDays: 7, extra: true }],
  ])('refuses %j with a problem and changes nothing', async (body) => {
    const ctx = await buildTestContext({ databaseUrl, worker: false })
    const key = await ctx.createKey()
    await putSchedule(ctx, key.apiKey, { everyDays: 14 })
    const before = await scheduleState(ctx, key.apiKeyId)
    const res = await putSchedule(ctx, key.apiKey, body)
    expect(res.statusCode).toBe(400)
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
    expect(json(res).code).toBe('VALIDATION_FAILED')
    expect(await scheduleState(ctx, key.apiKeyId)).toEqual(before)
  })

  it('refuses a key without a webhook, and a revoked key, with their codes', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false })
    const bare = await ctx.createKey({ webhookUrl: null })
    const noWebhook = await putSchedule(ctx, bare.apiKey, { everyDays: 7 })
    expect(noWebhook.statusCode).toBe(409)
    expect(json(noWebhook).code).toBe('WEBHOOK_NOT_CONFIGURED')
    expect((await scheduleState(ctx, bare.apiKeyId)).key.rotation_interval_days).toBeNull()

    const op = await createOperator(ctx, `op-${randomUUID().slice(0, 8)}`)
    const key = await ctx.createKey()
    await revokeKey(ctx.pool, key.apiKeyId, { actorType: 'system', actor: 'test' })
    const revoked = await putOperatorSchedule(ctx, op.token, key.apiKeyId, { everyDays: 7, reason: 'policy' })
    expect(json(revoked).code).toBe('KEY_REVOKED')
    expect((await scheduleState(ctx, key.apiKeyId)).audits).toEqual([])
  })
})

describe('PUT /v1/admin/api-keys/{keyId}/webhook-secret/schedule', () => {
  it('sets and removes a key\'s schedule with a reason; the operator key view shows it and who set it', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false })
    const op = await createOperator(ctx, `op-${randomUUID().slice(0, 8)}`)
    const key = await ctx.createKey()

    const set = await putOperatorSchedule(ctx, op.token, key.apiKeyId, { everyDays: 90, reason: 'ticket 7' })
    expect(set.statusCode).toBe(200)
    expect(json(set).rotationSchedule).toMatchObject({ everyDays: 90, setBy: op.name })
    const view = json(await ctx.app.inject({ method: 'GET', url: `/v1/admin/api-keys/${key.apiKeyId}`, headers: { authorization: `Bearer ${op.token}` } })).apiKey
    expect(view.rotationSchedule).toEqual(json(set).rotationSchedule)
    // The customer sees the schedule, not the operator's name.
    expect(json(await ctx.get(key.apiKey, METADATA)).webhookSecret.rotationSchedule).toEqual({ everyDays: 90, setAt: view.rotationSchedule.setAt, nextRotationAt: view.rotationSchedule.nextRotationAt })

    const cleared = await putOperatorSchedule(ctx, op.token, key.apiKeyId, { everyDays: null, reason: 'ticket 8' })
    expect(json(cleared).rotationSchedule).toEqual({ everyDays: null, setAt: null, nextRotationAt: null, setBy: null })
    expect((await scheduleState(ctx, key.apiKeyId)).audits).toEqual([
      { actor_type: 'operator', actor: op.name, reason: 'ticket 7', details: { fromEveryDays: null, toEveryDays: 90 } },
      { actor_type: 'operator', actor: op.name, reason: 'ticket 8', details: { fromEveryDays: 90, toEveryDays: null } },
    ])
  })

  it('needs a reason, and answers an unknown key with not found; nothing changes', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false })
    const op = await createOperator(ctx, `op-${randomUUID().slice(0, 8)}`)
    const key = await ctx.createKey()
    const noReason = await putOperatorSchedule(ctx, op.token, key.apiKeyId, { everyDays: 7 })
    expect(json(noReason).code).toBe('VALIDATION_FAILED')
    const unknown = await putOperatorSchedule(ctx, op.token, randomUUID(), { everyDays: 7, reason: 'x' })
    expect(unknown.statusCode).toBe(404)
    expect(json(unknown).code).toBe('RESOURCE_NOT_FOUND')
    expect(await scheduleState(ctx, key.apiKeyId)).toEqual({ key: { rotation_interval_days: null, rotation_schedule_set_at: null, rotation_schedule_set_by: null }, audits: [] })
  })
})

describe('admin CLI keys schedule', () => {
  it('sets and removes a schedule as the operator route does, audited with the reason; bad arguments change nothing', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false })
    const key = await ctx.createKey()
    const cli = (argv: string[]) => runAdminCli({ pool: ctx.pool, config: ctx.config }, argv)

    const set = await cli(['keys', 'schedule', key.apiKeyId, '--every-days', '30', '--reason', 'ticket 9', '--operator', 'carol', '--json'])
    expect(set.code, set.stderr).toBe(0)
    const { changed, rotationSchedule } = set.json()
    expect(changed).toBe(true)
    expect(rotationSchedule).toMatchObject({ everyDays: 30, setBy: 'carol' })
    expect(json(await ctx.get(key.apiKey, METADATA)).webhookSecret.rotationSchedule.nextRotationAt).toBe(rotationSchedule.nextRotationAt)

    for (const bad of [['--every-days', '0'], ['--every-days', '366'], ['--every-days', '1.5'], ['--every-days', '7', '--off'], []]) {
      const res = await cli(['keys', 'schedule', key.apiKeyId, ...bad, '--reason', 'x'])
      expect(res.code, bad.join(' ')).not.toBe(0)
      expect(res.stderr).toMatch(/--every-days|--off/)
    }
    const noReason = await cli(['keys', 'schedule', key.apiKeyId, '--every-days', '7'])
    expect(noReason.stderr).toMatch(/--reason is required/)

    const off = await cli(['keys', 'schedule', key.apiKeyId, '--off', '--reason', 'ticket 10', '--operator', 'carol'])
    expect(off.code, off.stderr).toBe(0)
    expect(off.stdout).toMatch(/schedule is removed/)
    expect((await scheduleState(ctx, key.apiKeyId)).audits).toEqual([
      { actor_type: 'operator', actor: 'carol', reason: 'ticket 9', details: { fromEveryDays: null, toEveryDays: 30 } },
      { actor_type: 'operator', actor: 'carol', reason: 'ticket 10', details: { fromEveryDays: 30, toEveryDays: null } },
    ])
  })
})
