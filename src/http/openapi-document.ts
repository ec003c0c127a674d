import type { SwaggerOptions } from '@fastify/swagger'
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyTypeProvider, type RawServerDefault, type RouteOptions } from 'fastify'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { lazyDefaultCompilers } from './lazy-default-compilers.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The app's OpenAPI document function, made on first use (recordOpenApiDocument). */
    openapiDocument: () => Promise<OpenApiDocument>
  }
}

/** @fastify/swagger's document function: the OpenAPI object, or its YAML with `{ yaml: true }`. */
export type OpenApiDocument = FastifyInstance['swagger']

/**
 * The app's OpenAPI document, made by @fastify/swagger on its first use instead of at start.
 * Registering @fastify/swagger loads its spec builder and the `yaml` package (about 40 ms of an
 * API start's CPU, docs/performance.md, start-up time) for a document few processes are ever asked for.
 * So the app only records its routes here (Fastify's onRoute, as @fastify/swagger itself does),
 * and the first request for the document replays them into a Fastify instance that has
 * @fastify/swagger registered with the same options: the same route options (url, method, schema,
 * config, constraints), so the same document. The instance never listens or answers: its routes
 * only carry the schemas, which it never compiles. Call this before the routes are added.
 */
export function recordOpenApiDocument<Logger extends FastifyBaseLogger, Provider extends FastifyTypeProvider> (
  app: FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, Logger, Provider>,
  options: SwaggerOptions
): () => Promise<OpenApiDocument> {
  // The objects themselves, read when the document is made, as @fastify/swagger keeps them: a
  // prefix's root route ('/admin' and '/admin/') is one object that Fastify adds twice, changing its url.
  const routes = new Set<Pick<RouteOptions, 'method' | 'url' | 'schema' | 'config' | 'constraints'>>()
  app.addHook('onRoute', (route) => { routes.add(route) })
  let made: Promise<OpenApiDocument> | undefined
  async function make () {
    const { default: swagger } = await import('@fastify/swagger')
    // Every route is replayed as it was recorded, HEAD routes included: none are made here.
    const describer = Fastify({ exposeHeadRoutes: false, schemaController: { compilersFactory: lazyDefaultCompilers() } })
    describer.setValidatorCompiler(() => () => true)
    describer.setSerializerCompiler(() => (data) => JSON.stringify(data))
    await describer.register(swagger, options)
    const answersNothing = async () => undefined
    for (const { method, url, schema, config, constraints } of routes) describer.route({ method, url, schema, config, constraints, handler: answersNothing })
    await describer.ready()
    return describer.swagger.bind(describer) as OpenApiDocument
  }
  return () => (made ??= make().catch((err: unknown) => { made = undefined; throw err }))
}
