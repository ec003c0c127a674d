import { z } from 'zod'

export const isoTime = z.string().describe('ISO-8601 UTC time with milliseconds')
export const nullableTime = isoTime.nullable()

export const metaSchema = z.object({
  requestId: z.string(),
  timestamp: isoTime,
  message: z.string().optional(),
  idempotent: z.boolean().optional(),
})

export const problemSchema = z.looseObject({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  code: z.string(),
  detail: z.string(),
  instance: z.string(),
  requestId: z.string(),
}).describe('RFC 9457 problem (application/problem+json); may carry extension members')

/** `{ <name>: resource, data: resource, _meta }` */
export function envelopeSchema<N extends string, T extends z.ZodType> (name: N, resource: T) {
  return z.object({ [name]: resource, data: resource, _meta: metaSchema } as { [K in N]: T } & { data: T; _meta: typeof metaSchema })
}

/** `{ data: [...], pagination: { cursor, hasMore, limit }, _meta }` */
export function listSchema<T extends z.ZodType> (item: T) {
  return z.object({
    data: z.array(item),
    pagination: z.object({ cursor: z.string().nullable(), hasMore: z.boolean(), limit: z.number().int() }),
    _meta: metaSchema,
  })
}

export const errorResponses = {
  '4xx': problemSchema,
  '5xx': problemSchema,
}
