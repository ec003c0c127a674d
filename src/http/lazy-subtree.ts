import { randomUUID } from 'node:crypto'
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'

// Connection-level headers of the inner answer: the outer reply sets its own.
const HOP_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'date'])
const TEXT_TYPE = /^(text\/|application\/(json|javascript))/
// Pairs a replayed request with the outer one, so what the inner instance could not answer is answered by the app.
const REPLAY_HEADER = 'x-lazy-subtree-replay'

/**
 * Serves every path under `prefix` from a Fastify instance that `build` fills on the first request
 * (and only then loads its modules), so a page few requests open costs an API start nothing
 * (docs/performance.md). The outer routes are plain: the app's hooks (request id, logging, rate
 * limit, the caller's auth and headers) run on them as on any route, then the request is replayed
 * into the inner instance with `inject` and its answer sent back. A path the inner instance has no
 * answer for, and an error no handler of its own took, go to the app's not-found and error
 * handlers, as they would have with the routes registered at start. A failed build is retried on
 * the next request; the inner instance closes with the app.
 *
 * Only GET and HEAD are forwarded, without a body: the subtrees are pages to read (the docs page,
 * the read-only queue dashboard). Any other method is answered by the app as on any route that
 * lacks it (the API's 405 METHOD_NOT_ALLOWED); a body is never parsed twice (the fuzzer found a deeply nested JSON body
 * that the app parsed and the inner instance's re-parse threw on: a 500).
 */
export function lazySubtree (app: FastifyInstance, prefix: string, build: (inner: FastifyInstance) => Promise<void>) {
  let inner: Promise<FastifyInstance> | undefined
  const replays = new Map<string, { error?: unknown; notFound?: boolean }>()
  async function create () {
    // No logger of its own: the app logs the request that carries each of its answers.
    const built = Fastify()
    // Set before `build` adds routes: a route keeps the handlers of when it was added.
    built.setNotFoundHandler((request, reply) => {
      const replay = replays.get(String(request.headers[REPLAY_HEADER]))
      if (replay) replay.notFound = true
      return reply.code(404).send()
    })
    built.setErrorHandler((error, request, reply) => {
      const replay = replays.get(String(request.headers[REPLAY_HEADER]))
      if (replay) replay.error = error
      return reply.code(500).send()
    })
    await build(built)
    await built.ready()
    return built
  }
  function instance () {
    inner ??= create().catch((err: unknown) => { inner = undefined; throw err })
    return inner
  }
  async function forward (request: FastifyRequest, reply: FastifyReply) {
    const { 'content-length': _length, 'transfer-encoding': _encoding, ...headers } = request.headers
    const replay: { error?: unknown; notFound?: boolean } = {}
    const key = randomUUID()
    replays.set(key, replay)
    const answer = await (await instance()).inject({
      method: request.method as 'GET',
      url: request.url,
      headers: { ...headers, [REPLAY_HEADER]: key },
    }).finally(() => replays.delete(key))
    if (replay.error !== undefined) throw replay.error
    if (replay.notFound) return reply.callNotFound()
    for (const [name, value] of Object.entries(answer.headers)) if (!HOP_HEADERS.has(name) && value !== undefined) reply.header(name, value)
    reply.code(answer.statusCode)
    // A HEAD answer carries the length of the body it does not send; an empty answer (a redirect, a 304) stays without a body or type.
    if (request.method === 'HEAD' && answer.headers['content-length'] !== undefined) reply.header('content-length', answer.headers['content-length'])
    if (answer.rawPayload.length === 0) return reply.send()
    // Text goes on as a string so the outer onSend hooks can read it (a page's links), the rest as bytes.
    return reply.send(TEXT_TYPE.test(String(answer.headers['content-type'] ?? '')) ? answer.payload : answer.rawPayload)
  }
  for (const url of [prefix, `${prefix}/*`]) app.route({ method: ['GET', 'HEAD'], url, schema: { hide: true }, exposeHeadRoute: false, handler: forward })
  app.addHook('onClose', async () => { if (inner) await (await inner.catch(() => undefined))?.close() })
}
