import { randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { buildTestContext, createTestDatabase, json } from '../../helper.js'

let databaseUrl: string
beforeAll(async () => { databaseUrl = await createTestDatabase() })

describe('POST rotate waits for the worker', () => {
  it('still answers 200 with the new secret when no commit notification ever arrives (the Postgres poll is the safety net)', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    // This file's own database: without the trigger, finishing a rotation notifies nobody.
    await ctx.pool.query('drop trigger if exists webhook_secret_rotations_finished on webhook_secret_rotations')
    const key = await ctx.createKey()
    const res = await ctx.rotate(key.apiKey, { idempotencyKey: randomUUID() })
    expect(res.statusCode).toBe(200)
    expect((await ctx.secretSlots(key.apiKeyId)).current).toBe(json(res).webhookSecret.secret)
  })
})
