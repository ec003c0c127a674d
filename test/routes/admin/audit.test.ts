import { randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { createOperator } from '../../fixtures/operators.js'
import { buildTestContext, createTestDatabase, json, type TestContext } from '../../helper.js'

let databaseUrl: string
beforeAll(async () => { databaseUrl = await createTestDatabase() })

const ACTIONS = [
  { path: 'rollback', audit: 'webhook_secret.rolled_back' },
  { path: 'recover', audit: 'webhook_secret.recovered' },
  { path: 'expire-previous', audit: 'webhook_secret.previous_expired' },
] as const

const OPERATOR_ACTIONS: string[] = ACTIONS.map((a) => a.audit)

interface AuditItem { id: string; action: string; actorType: string; actor: string; apiKeyId: string | null; rotationId: string | null; requestId: string | null; sourceIp: string | null; reason: string | null }

function operatorAction (ctx: TestContext, token: string, keyId: string, action: string, reason: string) {
  return ctx.app.inject({
    method: 'POST',
    url: `/v1/admin/api-keys/${keyId}/webhook-secret/${action}`,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    payload: JSON.stringify({ reason }),
  })
}

function adminGet (ctx: TestContext, token: string, url: string) {
  return ctx.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } })
}

async function rotatedKey (ctx: TestContext) {
  const key = await ctx.createKey()
  const res = await ctx.rotate(key.apiKey, { idempotencyKey: randomUUID() })
  expect(res.statusCode).toBe(200)
  return { ...key, customerRotationId: json(res).webhookSecret.rotationId as string }
}

/** A key taken through a customer rotation and then recover, rollback and expire-previous, in that order. */
async function keyThroughEveryAction (ctx: TestContext, token: string) {
  const key = await rotatedKey(ctx)
  const responses: Record<string, Awaited<ReturnType<typeof operatorAction>>> = {}
  for (const path of ['recover', 'rollback', 'expire-previous']) {
    const res = await operatorAction(ctx, token, key.apiKeyId, path, `ticket for ${path}`)
    expect(res.statusCode, path).toBe(200)
    responses[path] = res
  }
  return { key, responses }
}

const operatorName = (base: string) => `${base}-${randomUUID().slice(0, 8)}`

describe('POST /v1/admin/api-keys/{keyId}/webhook-secret/{action} audit trail', () => {
  for (const action of ACTIONS) {
    it(`records exactly one ${action.audit} event with the operator, reason, key and request id when ${action.path} succeeds`, async () => {
      const ctx = await buildTestContext({ databaseUrl })
      const op = await createOperator(ctx, operatorName('kim'))
      const key = await rotatedKey(ctx)
      const reason = `INC-${randomUUID().slice(0, 6)}: ${action.path} requested by the customer`

      const res = await operatorAction(ctx, op.token, key.apiKeyId, action.path, reason)

      expect(res.statusCode).toBe(200)
      expect(res.headers['x-request-id']).toEqual(expect.any(String))
      const { rows } = await ctx.pool.query(
        'select actor_type, actor, reason, api_key_id, request_id, rotation_id from audit_events where api_key_id = $1 and action = $2',
        [key.apiKeyId, action.audit])
      expect(rows).toEqual([{
        actor_type: 'operator',
        actor: op.name,
        reason,
        api_key_id: key.apiKeyId,
        request_id: res.headers['x-request-id'],
        rotation_id: json(res).rotation.id,
      }])
      // Only this action: no other operator action was recorded for the key.
      const { rows: others } = await ctx.pool.query(
        'select action from audit_events where api_key_id = $1 and action = any($2::text[])', [key.apiKeyId, OPERATOR_ACTIONS])
      expect(others).toEqual([{ action: action.audit }])
    })
  }
})

describe('GET /v1/admin/audit-events', () => {
  it('returns the key\'s events newest first, one page at a time when following pagination.cursor with limit=1', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const op = await createOperator(ctx, operatorName('lee'))
    const { key, responses } = await keyThroughEveryAction(ctx, op.token)
    const other = await keyThroughEveryAction(ctx, op.token) // another key's events stay out of the filtered list

    const pages: AuditItem[] = []
    let cursor: string | null = null
    for (let i = 0; i < 50; i++) {
      const url = `/v1/admin/audit-events?apiKeyId=${key.apiKeyId}&limit=1${cursor ? `&cursor=${cursor}` : ''}`
      const res = await adminGet(ctx, op.token, url)
      expect(res.statusCode, url).toBe(200)
      const body = json(res)
      expect(body.data).toHaveLength(1)
      expect(body.pagination.limit).toBe(1)
      pages.push(body.data[0])
      if (!body.pagination.hasMore) {
        expect(body.pagination.cursor).toBeNull()
        break
      }
      cursor = body.pagination.cursor
      expect(cursor).toEqual(expect.any(String))
    }

    const { rows } = await ctx.pool.query('select id::text from audit_events where api_key_id = $1 order by id desc', [key.apiKeyId])
    expect(pages.map((e) => e.id)).toEqual(rows.map((r) => r.id))
    expect(pages.every((e) => e.apiKeyId === key.apiKeyId)).toBe(true)
    expect(pages.some((e) => e.apiKeyId === other.key.apiKeyId)).toBe(false)
    expect(pages.filter((e) => OPERATOR_ACTIONS.includes(e.action)).map((e) => e.action))
      .toEqual(['webhook_secret.previous_expired', 'webhook_secret.rolled_back', 'webhook_secret.recovered'])
    // Operators see who did it and from where.
    const expired = pages[0]!
    expect(expired).toMatchObject({
      action: 'webhook_secret.previous_expired',
      actorType: 'operator',
      actor: op.name,
      reason: 'ticket for expire-previous',
      rotationId: json(responses['expire-previous']!).rotation.id,
      requestId: responses['expire-previous']!.headers['x-request-id'],
    })
    expect(expired.sourceIp).toEqual(expect.any(String))
  })

  it('never carries a secret in the trail', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const op = await createOperator(ctx, operatorName('max'))
    const { key } = await keyThroughEveryAction(ctx, op.token)

    const res = await adminGet(ctx, op.token, `/v1/admin/audit-events?apiKeyId=${key.apiKeyId}&limit=100`)

    expect(res.statusCode).toBe(200)
    expect(res.body).not.toMatch(/whsec_/)
  })
})

describe('GET /v1/auth/api-keys/me/audit-events', () => {
  it('returns only the caller\'s key\'s events, with operators masked as \'operator\' and no source IP', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const op = await createOperator(ctx, operatorName('nina'))
    const { key: mine } = await keyThroughEveryAction(ctx, op.token)
    const { key: theirs } = await keyThroughEveryAction(ctx, op.token)

    const res = await ctx.get(mine.apiKey, '/v1/auth/api-keys/me/audit-events?limit=100')

    expect(res.statusCode).toBe(200)
    const events: AuditItem[] = json(res).data
    expect(events.length).toBeGreaterThan(0)
    expect(events.every((e) => e.apiKeyId === mine.apiKeyId)).toBe(true)
    expect(res.body).not.toContain(theirs.apiKeyId)
    const operatorEvents = events.filter((e) => OPERATOR_ACTIONS.includes(e.action))
    expect(operatorEvents.map((e) => e.action)).toEqual(['webhook_secret.previous_expired', 'webhook_secret.rolled_back', 'webhook_secret.recovered'])
    for (const e of events.filter((x) => x.actorType === 'operator')) {
      expect(e).toMatchObject({ actorType: 'operator', actor: 'operator', sourceIp: null })
    }
    expect(operatorEvents.find((e) => e.action === 'webhook_secret.rolled_back')).toMatchObject({ reason: 'ticket for rollback' })
    // The operator's name is internal: it appears nowhere in what the customer reads.
    expect(res.body).not.toContain(op.name)
    expect(res.body).not.toMatch(/whsec_/)
  })
})

describe('GET /v1/admin/api-keys/{keyId}', () => {
  it('returns the secret version, previousHeld and recent rotations, and no secret anywhere, while secrets are held', async () => {
    const ctx = await buildTestContext({ databaseUrl })
    const op = await createOperator(ctx, operatorName('omar'))
    const key = await rotatedKey(ctx)
    const recover = await operatorAction(ctx, op.token, key.apiKeyId, 'recover', 'customer lost the secret')
    expect(recover.statusCode).toBe(200)
    const recovered = json(recover).rotation
    expect(recovered.secret).toMatch(/^whsec_/) // held, not yet acknowledged

    const res = await adminGet(ctx, op.token, `/v1/admin/api-keys/${key.apiKeyId}`)

    expect(res.statusCode).toBe(200)
    const view = json(res).apiKey
    expect(view).toMatchObject({ id: key.apiKeyId, secretVersion: 3, previousHeld: true })
    expect(view.previousRetainedUntil).toEqual(expect.any(String))
    expect(view.recentRotations.map((r: { id: string }) => r.id)).toEqual([recovered.id, key.customerRotationId])
    expect(view.recentRotations[0]).toMatchObject({ kind: 'operator_recover', status: 'succeeded', secretHeld: true })
    expect(res.body).not.toMatch(/whsec_/)
    expect(res.body).not.toContain(recovered.secret)

    // After expire-previous the key no longer dual-signs.
    expect((await operatorAction(ctx, op.token, key.apiKeyId, 'expire-previous', 'leaked')).statusCode).toBe(200)
    const later = json(await adminGet(ctx, op.token, `/v1/admin/api-keys/${key.apiKeyId}`)).apiKey
    expect(later).toMatchObject({ secretVersion: 3, previousHeld: false, previousRetainedUntil: null })
    expect(later.recentRotations).toHaveLength(3)
  })
})
