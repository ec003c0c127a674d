import { beforeAll, describe, expect, it } from 'vitest'
import { readRotationGate } from '../../src/db/api-keys-repository.js'
import { buildTestContext, createTestDatabase } from '../helper.js'

let databaseUrl: string
beforeAll(async () => { databaseUrl = await createTestDatabase() })

describe('rotation gate', () => {
  it('never tells a request that waited on the winning rotation to retry after more than the cooldown', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false })
    const key = await ctx.createKey()
    const loser = await ctx.pool.connect()
    try {
      // The loser's transaction starts first, so its now() is older than the winner's.
      await loser.query('begin')
      await loser.query('select 1')
      await new Promise((resolve) => setTimeout(resolve, 20))
      await ctx.pool.query('update api_keys set secret_rotated_at = now() where id = $1', [key.apiKeyId])

      const gate = await readRotationGate(loser, key.apiKeyId, 60)

      expect(gate.cooldownActive).toBe(true)
      expect(gate.retryAfterSeconds).toBeGreaterThanOrEqual(59)
      expect(gate.retryAfterSeconds).toBeLessThanOrEqual(60)
    } finally {
      await loser.query('rollback')
      loser.release()
    }
  })
})
