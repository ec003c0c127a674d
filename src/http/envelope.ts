import type { FastifyRequest } from 'fastify'

export interface MetaOptions { message?: string; idempotent?: boolean }

export function meta (request: FastifyRequest, options: MetaOptions = {}) {
  return { requestId: request.id, timestamp: new Date().toISOString(), ...options }
}

/** `{ <name>: resource, data: resource, _meta }`, the upstream success envelope. */
export function envelope<N extends string, T> (request: FastifyRequest, name: N, resource: T, options?: MetaOptions) {
  return { [name]: resource, data: resource, _meta: meta(request, options) } as { [K in N]: T } & { data: T; _meta: ReturnType<typeof meta> }
}

export function iso (d: Date | null): string | null {
  return d === null ? null : d.toISOString()
}
