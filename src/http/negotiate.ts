import type { FastifyRequest } from 'fastify'
import Negotiator from 'negotiator'

/** What the documentation routes answer in; JSON is first, so `*\/*` and no Accept get JSON. */
export const DOC_MEDIA_TYPES = ['application/json', 'text/html', 'text/markdown'] as const
export type DocMediaType = typeof DOC_MEDIA_TYPES[number]

/** The client's preferred media type by its Accept header (q-values honoured); JSON when none fits. */
export function preferredDocType (request: FastifyRequest): DocMediaType {
  const chosen = new Negotiator({ headers: request.headers }).mediaType([...DOC_MEDIA_TYPES])
  return (DOC_MEDIA_TYPES as readonly string[]).includes(chosen ?? '') ? chosen as DocMediaType : 'application/json'
}
