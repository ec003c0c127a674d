import { beforeAll, describe, expect, it } from 'vitest'
import { buildTestContext, createTestDatabase, json } from '../helper.js'

let databaseUrl: string
beforeAll(async () => { databaseUrl = await createTestDatabase() })

const BASE = '/v1/auth/api-keys/me/webhook-secret'
const CUSTOMER_OPERATIONS: [path: string, method: string][] = [
  [`${BASE}/rotate`, 'post'],
  [`${BASE}/rotations/{id}`, 'get'],
  [`${BASE}/rotations`, 'get'],
  [`${BASE}/rotations/{id}/acknowledge`, 'post'],
  [BASE, 'get'],
]

type Schema = Record<string, any>

/** Follows local `$ref`s of an OpenAPI document. */
function deref (doc: Schema, schema: Schema | undefined): Schema | undefined {
  let s = schema
  for (let i = 0; s && typeof s.$ref === 'string' && i < 10; i++) {
    s = s.$ref.replace(/^#\//, '').split('/').reduce<any>((node, part) => node?.[part.replace(/~1/g, '/').replace(/~0/g, '~')], doc)
  }
  return s
}

/** The first object schema (through $ref, anyOf, oneOf, allOf) that has a property `name`. */
function findObjectWith (doc: Schema, schema: Schema | undefined, name: string): Schema | undefined {
  const s = deref(doc, schema)
  if (!s) return undefined
  if (s.properties && name in s.properties) return s
  for (const branch of [...(s.anyOf ?? []), ...(s.oneOf ?? []), ...(s.allOf ?? [])]) {
    const found = findObjectWith(doc, branch, name)
    if (found) return found
  }
  return undefined
}

describe('GET /v1/health', () => {
  it('returns 200 while the process is up', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false })
    const res = await ctx.app.inject({ method: 'GET', url: '/v1/health' })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.headers['x-request-id']).toEqual(expect.any(String))
  })
})

describe('GET /v1/ready', () => {
  it('returns 200 when Postgres and Redis both answer', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false })
    const res = await ctx.app.inject({ method: 'GET', url: '/v1/ready' })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.headers['x-request-id']).toEqual(expect.any(String))
  })
})

describe('GET /v1/openapi.json', () => {
  it('returns an OpenAPI 3.1 document listing the five customer routes', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false })
    const res = await ctx.app.inject({ method: 'GET', url: '/v1/openapi.json' })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.headers['content-type']).toMatch(/^application\/json/)
    const doc = json(res)
    expect(doc.openapi).toMatch(/^3\.1\./)
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) })

    for (const [path, method] of CUSTOMER_OPERATIONS) {
      expect.soft(doc.paths, `${method.toUpperCase()} ${path}`).toHaveProperty([path, method])
    }
    // No Fastify-style `:id` paths leak into the document.
    expect(Object.keys(doc.paths).filter((p) => p.includes(':'))).toEqual([])

    for (const path of [`${BASE}/rotations/{id}`, `${BASE}/rotations/{id}/acknowledge`]) {
      const method = path.endsWith('acknowledge') ? 'post' : 'get'
      const params = (doc.paths[path][method].parameters ?? []).map((p: Schema) => deref(doc, p))
      expect(params, path).toContainEqual(expect.objectContaining({ name: 'id', in: 'path', required: true }))
    }
  })

  it('documents the rotate request body with reason of at most 500 characters', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false })
    const doc = json(await ctx.app.inject({ method: 'GET', url: '/v1/openapi.json' }))
    const requestBody = deref(doc, doc.paths[`${BASE}/rotate`].post.requestBody)
    expect(requestBody, 'rotate requestBody').toBeDefined()
    const schema = requestBody!.content?.['application/json']?.schema
    expect(schema, 'application/json schema of the rotate body').toBeDefined()
    const object = findObjectWith(doc, schema, 'reason')
    expect(object, 'an object schema with `reason`').toBeDefined()
    const reason = deref(doc, object!.properties.reason)
    expect(reason).toMatchObject({ type: 'string', maxLength: 500 })
  })
})

describe('GET /v1/docs', () => {
  it('answers with the documentation UI, directly or after one redirect', async () => {
    const ctx = await buildTestContext({ databaseUrl, worker: false })
    let res = await ctx.app.inject({ method: 'GET', url: '/v1/docs' })
    if (res.statusCode >= 300 && res.statusCode < 400) {
      const location = res.headers.location
      expect(location, 'redirect Location').toEqual(expect.any(String))
      const next = new URL(String(location), 'http://localhost/v1/docs')
      res = await ctx.app.inject({ method: 'GET', url: next.pathname + next.search })
    }
    expect(res.statusCode, res.body).toBe(200)
    expect(res.headers['content-type']).toMatch(/^text\/html/)
    expect(res.body).toMatch(/<html/i)
  })
})
