import Fastify from 'fastify'
import { describe, expect, it } from 'vitest'
import { lazyDefaultCompilers } from '../../src/http/lazy-default-compilers.js'

describe('lazyDefaultCompilers', () => {
  it('still validates and serializes a route with a plain JSON schema, as Fastify\'s defaults do', async () => {
    const app = Fastify({ schemaController: { compilersFactory: lazyDefaultCompilers() } })
    app.post('/echo', {
      schema: {
        body: { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 2 } } },
        response: { 200: { type: 'object', properties: { name: { type: 'string' } } } },
      },
    }, async (request) => ({ ...(request.body as object), secret: 'not in the response schema' }))
    await app.ready()

    const refused = await app.inject({ method: 'POST', url: '/echo', payload: { name: 'x' } })
    expect(refused.statusCode).toBe(400)
    expect(refused.json().message).toMatch(/must NOT have fewer than 2 characters/)
    const answered = await app.inject({ method: 'POST', url: '/echo', payload: { name: 'xy' } })
    expect(answered.statusCode).toBe(200)
    // fast-json-stringify writes only what the response schema lists.
    expect(answered.json()).toEqual({ name: 'xy' })
    await app.close()
  })
})
