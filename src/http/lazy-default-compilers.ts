import { createRequire } from 'node:module'
import type { FastifyServerOptions } from 'fastify'

type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>
type Factory = (...args: unknown[]) => unknown

/**
 * Fastify's default compilers (Ajv for JSON Schema validation, fast-json-stringify for
 * serialization), loaded only when a route with a JSON schema is compiled. Fastify requires both
 * when an instance is built unless it is given factories; the API's routes all carry zod schemas
 * (zod's compilers are set on the app), so loading Ajv there cost every start about 60 ms of CPU
 * and no request ever used it (docs/performance.md, start-up time). A plain JSON schema still works:
 * its route compiles with the same Fastify defaults, loaded at that moment.
 */
export function lazyDefaultCompilers (): CompilersFactory {
  // Resolved from fastify's own place: these are its dependencies, not the service's.
  const load = (name: string): Factory => {
    const fromFastify = createRequire(createRequire(import.meta.url).resolve('fastify'))
    return (fromFastify(name) as () => Factory)()
  }
  let validator: Factory | undefined
  let serializer: Factory | undefined
  return {
    buildValidator: ((...args: unknown[]) => (validator ??= load('@fastify/ajv-compiler'))(...args)) as CompilersFactory['buildValidator'],
    buildSerializer: ((...args: unknown[]) => (serializer ??= load('@fastify/fast-json-stringify-compiler'))(...args)) as CompilersFactory['buildSerializer'],
  }
}
