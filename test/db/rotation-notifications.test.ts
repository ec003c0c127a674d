import { randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { listenForFinishedRotations, type RotationNotifications } from '../../src/db/rotation-notifications.js'
import { insertRotation } from '../../src/db/rotations-repository.js'
import { withTransaction } from '../../src/db/pool.js'
import { buildTestContext, createTestDatabase, eventually, type TestContext } from '../helper.js'

let databaseUrl: string
beforeAll(async () => { databaseUrl = await createTestDatabase() })

function listen (ctx: TestContext) {
  const notifications = listenForFinishedRotations(ctx.config.DATABASE_URL, ctx.app.log, { reconnectMinMs: 50, reconnectMaxMs: 200 })
  onTestFinished(() => notifications.close())
  const announced: string[] = []
  let connections = 0
  notifications.onFinished((id) => announced.push(id))
  notifications.onListening(() => { connections++ })
  return { notifications, announced, connections: () => connections }
}

async function queuedRotation (ctx: TestContext, apiKeyId: string) {
  const row = await insertRotation(ctx.pool, {
    id: randomUUID(), apiKeyId, kind: 'customer', idempotencyKey: null, requestFingerprint: 'f', actor: 'test', reason: null, requestId: 'r', sourceIp: null,
  }, 3600)
  return row!.id
}

async function finish (ctx: TestContext, rotationId: string, commit = true) {
  await withTransaction(ctx.pool, async (client) => {
    await client.query("update webhook_secret_rotations set status = 'failed', error_code = 'X', completed_at = now() where id = $1", [rotationId])
    if (!commit) throw new Error('roll back')
  }).catch((err: Error) => { if (commit) throw err })
}

async function listening (n: RotationNotifications) {
  await eventually(async () => n.listening)
}

describe('rotation finished notifications', () => {
  it('announce a rotation once the transaction finishing it commits, and never one that rolled back', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false })
    const key = await ctx.createKey()
    const { notifications, announced } = listen(ctx)
    await listening(notifications)
    const rolledBack = await queuedRotation(ctx, key.apiKeyId)
    const committed = await queuedRotation(ctx, key.apiKeyId)

    await finish(ctx, rolledBack, false)
    await finish(ctx, committed)

    // Notifications arrive in commit order on one connection: once the later one is here, the earlier would be too.
    await eventually(async () => announced.includes(committed))
    expect(announced).toEqual([committed])
  })

  it('listen again after the connection is killed, so a rotation finished afterwards is still announced', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false })
    const key = await ctx.createKey()
    const { notifications, announced, connections } = listen(ctx)
    await listening(notifications)
    const { rowCount } = await ctx.pool.query(
      "select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'rotation-notifications' and datname = current_database()")
    expect(rowCount).toBeGreaterThan(0)
    await eventually(async () => connections() >= 2 && notifications.listening)

    const rotationId = await queuedRotation(ctx, key.apiKeyId)
    await finish(ctx, rotationId)
    await eventually(async () => announced.includes(rotationId))
  })
})
