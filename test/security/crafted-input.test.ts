import { randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { pageForm, postForm, signIn } from '../fixtures/console.js'
import { createOperator } from '../fixtures/operators.js'
import { buildTestContext, createTestDatabase, ROTATIONS_PATH } from '../helper.js'

let databaseUrl: string
beforeAll(async () => { databaseUrl = await createTestDatabase() })

const cursorOf = (sortKey: string) => Buffer.from(`${sortKey}.${randomUUID()}`, 'utf8').toString('base64url')
// Right shape, out of range: past bigint, and inside bigint but past any timestamp.
const CRAFTED_SORT_KEYS = ['99999999999999999999', '9223372036854775807']
const CRAFTED_AUDIT_CURSORS = ['9999999999999999999', '9223372036854775808']

describe('crafted input from the security review (issue 18)', () => {
  it('answers 400 VALIDATION_FAILED, never 500, to out-of-range cursors on customer and admin lists', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false })
    const key = await ctx.createKey()
    const operator = await createOperator(ctx, 'cursor-check')
    const requests = [
      ...CRAFTED_SORT_KEYS.flatMap((k) => [`${ROTATIONS_PATH}?cursor=${cursorOf(k)}`, `/v1/webhooks/events?cursor=${cursorOf(k)}`])
        .map((url) => ctx.get(key.apiKey, url)),
      ...CRAFTED_AUDIT_CURSORS.map((c) => ctx.get(key.apiKey, `/v1/auth/api-keys/me/audit-events?cursor=${c}`)),
      ...CRAFTED_AUDIT_CURSORS.map((c) => ctx.app.inject({ method: 'GET', url: `/v1/admin/audit-events?cursor=${c}`, headers: { authorization: `Bearer ${operator.token}` } })),
    ]
    for (const res of await Promise.all(requests)) {
      expect({ status: res.statusCode, code: res.headers['x-error-code'] }).toEqual({ status: 400, code: 'VALIDATION_FAILED' })
      expect(res.json().detail).toContain('cursor')
    }
    // The largest cursors this API can make still work.
    expect((await ctx.get(key.apiKey, `${ROTATIONS_PATH}?cursor=${cursorOf('253402300799999999')}`)).statusCode).toBe(200)
    expect((await ctx.get(key.apiKey, '/v1/auth/api-keys/me/audit-events?cursor=9223372036854775807')).statusCode).toBe(200)
    expect(ctx.logs.join('')).not.toMatch(/"level":50/)
  })

  it('refuses console actions named after inherited object properties with 404, and never renders "undefined: done"', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false })
    const key = await ctx.createKey()
    const operator = await createOperator(ctx, 'proto-check')
    const { cookie } = await signIn(ctx, operator.token)
    const keyPage = `/admin/keys/${key.apiKeyId}`
    for (const action of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
      const form = await pageForm(ctx, keyPage, cookie)
      const res = await postForm(ctx, `${keyPage}/${action}`, {
        cookie: form.cookies.join('; '),
        fields: { _csrf: form.csrf!, reason: 'crafted', confirm: 'yes', idempotencyKey: randomUUID() },
      })
      expect({ action, status: res.statusCode, code: res.headers['x-error-code'] }).toEqual({ action, status: 404, code: 'RESOURCE_NOT_FOUND' })
      const done = await ctx.app.inject({ method: 'GET', url: `${keyPage}?done=${action}`, headers: { cookie } })
      expect(done.statusCode).toBe(200)
      expect(done.body).not.toContain('undefined')
      expect(done.body).not.toContain(': done.')
    }
    const { rows } = await ctx.pool.query('select count(*)::int as n from webhook_secret_rotations where api_key_id = $1', [key.apiKeyId])
    expect(rows[0].n).toBe(0)
    expect(ctx.logs.join('')).not.toMatch(/"level":50/)
  })
})
