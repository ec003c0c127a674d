import swagger, { type SwaggerOptions } from '@fastify/swagger'
import Fastify, { type FastifyInstance } from 'fastify'
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { recordOpenApiDocument } from '../../src/http/openapi-document.js'

const OPTIONS: SwaggerOptions = {
  openapi: { openapi: '3.1.0', info: { title: 'test', version: '1' }, components: { securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' } } }, security: [{ apiKey: [] }] },
  transform: jsonSchemaTransform,
}

/** Routes shaped like the API's: zod schemas, prefixes, a prefix's root route, hidden routes, HEAD routes. */
async function addRoutes (app: FastifyInstance) {
  const typed = app.withTypeProvider<ZodTypeProvider>()
  typed.setValidatorCompiler(validatorCompiler)
  typed.setSerializerCompiler(serializerCompiler)
  await typed.register(async (keys) => {
    keys.get('/:keyId', { schema: { tags: ['keys'], params: z.object({ keyId: z.uuid() }), response: { 200: z.object({ id: z.string() }) } } }, async () => ({ id: 'key' }))
    keys.post('/', { schema: { body: z.object({ reason: z.string().min(1) }), response: { 202: z.object({ queued: z.boolean() }) } } }, async (_request, reply) => reply.code(202).send({ queued: true }))
  }, { prefix: '/v1/keys' })
  await typed.register(async (pages) => {
    pages.get('/', async () => 'home')
  }, { prefix: '/admin' })
  typed.get('/v1/hidden', { schema: { hide: true } }, async () => 'hidden')
  typed.route({ method: ['GET', 'HEAD'], url: '/v1/both', exposeHeadRoute: false, schema: { summary: 'both' }, handler: async () => 'both' })
}

describe('recordOpenApiDocument', () => {
  it('makes the document that @fastify/swagger registered on the app makes, as JSON and as YAML', async () => {
    const registered = Fastify()
    await registered.register(swagger, OPTIONS)
    await addRoutes(registered)
    await registered.ready()

    const recorded = Fastify()
    const document = recordOpenApiDocument(recorded, OPTIONS)
    await addRoutes(recorded)
    await recorded.ready()

    const made = await document()
    expect(made()).toEqual(registered.swagger())
    expect(made({ yaml: true })).toBe(registered.swagger({ yaml: true }))
    expect(Object.keys(made().paths ?? {})).toContain('/admin/')
    expect(Object.keys(made().paths ?? {})).not.toContain('/v1/hidden')
    await Promise.all([registered.close(), recorded.close()])
  })

  it('makes the document once, on first use, and the app still validates with its own compilers', async () => {
    const app = Fastify()
    const document = recordOpenApiDocument(app, OPTIONS)
    await addRoutes(app)
    await app.ready()
    expect(await document()).toBe(await document())
    const refused = await app.inject({ method: 'POST', url: '/v1/keys', payload: { reason: '' } })
    expect(refused.statusCode).toBe(400)
    await app.close()
  })
})
