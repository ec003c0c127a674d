import { randomUUID } from 'node:crypto'
import { STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { AppError } from '../errors/app-error.js'
import { errorTypeUrl, PROBLEM_CONTENT_TYPE, sendProblem } from '../http/problem.js'
import { fromClientErrorStatus } from './error-handler.js'
import { genRequestId } from './request-id.js'

/**
 * Refusals the router makes before any route, hook or error handler runs (Fastify's
 * `frameworkErrors` option). They get the same problem+json and X-Request-ID as everything else.
 */
export function frameworkErrors (err: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  reply.header('x-request-id', request.id)
  return sendProblem(request, reply, fromFrameworkError(err))
}

function fromFrameworkError (err: FastifyError): AppError {
  switch (err.code) {
    case 'FST_ERR_BAD_URL': return new AppError('REQUEST_MALFORMED', 'The path holds a percent-encoding that does not decode to UTF-8.')
    case 'FST_ERR_MAX_PARAM_LENGTH': return new AppError('URI_TOO_LONG', 'A path segment is longer than 100 characters; no id or name of this API is.')
  }
  return fromClientErrorStatus(err.statusCode) ?? new AppError('REQUEST_MALFORMED', 'The request could not be routed.')
}

interface ClientError extends Error { code?: string; rawPacket?: unknown }

// Only a request line made of printable ASCII is echoed as the problem's instance.
const REQUEST_LINE = /^[!-~]{1,32} (\/[!-~]{0,2048}) HTTP\/1\.[01]\r?\n/

/**
 * Node's HTTP parser refuses some requests before Fastify sees them (an unknown method, a
 * malformed request line or header, headers over the size limit, a request that did not arrive
 * in time). There is no request object then: this writes the problem straight onto the socket,
 * with a fresh request id (the incoming X-Request-ID cannot be trusted to have been parsed), and
 * closes the connection, as Node itself does after a parse error.
 */
export function clientErrorHandler (this: { log: FastifyRequest['log'] }, err: ClientError, socket: Socket) {
  if (err.code === 'ECONNRESET' || socket.destroyed) return
  const requestId = `req_${randomUUID()}`
  const raw = Buffer.isBuffer(err.rawPacket) ? err.rawPacket.subarray(0, 2200).toString('latin1') : ''
  this.log.debug({ err: { code: err.code, message: err.message }, requestId }, 'request refused by the HTTP parser')
  writeProblem(socket, fromParserError(err), requestId, REQUEST_LINE.exec(raw)?.[1])
}

/**
 * Requests Node answers itself unless the server listens: CONNECT asks for a tunnel (with no
 * 'connect' listener Node drops the connection without a word), and an Expect header other than
 * 100-continue (with no 'checkExpectation' listener Node writes a bare 417). Both get a problem.
 */
export function answerRequestsNodeKeeps (server: Server) {
  server.on('connect', (req: IncomingMessage, socket: Socket) => {
    const problem = new AppError('REQUEST_MALFORMED', 'CONNECT is not supported: this server is not a proxy.')
    writeProblem(socket, problem, genRequestId(req), req.url)
  })
  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
    const problem = new AppError('EXPECTATION_FAILED', 'The only expectation this server meets is Expect: 100-continue.')
    const { headers, body } = renderProblem(problem, genRequestId(req), req.url)
    res.writeHead(problem.status, headers).end(body)
  })
}

function renderProblem (problem: AppError, requestId: string, target: string | undefined) {
  const instance = target?.startsWith('/') ? target.split('?')[0] : undefined
  const body = JSON.stringify({
    type: errorTypeUrl(problem.code),
    title: problem.title,
    status: problem.status,
    code: problem.code,
    detail: problem.message,
    ...(instance ? { instance } : {}),
    requestId,
  })
  const headers = {
    'Content-Type': PROBLEM_CONTENT_TYPE,
    'Content-Length': String(Buffer.byteLength(body)),
    'X-Request-ID': requestId,
    'X-Error-Code': problem.code,
    Connection: 'close',
  }
  return { headers, body }
}

/** A problem written straight onto a socket that has no request object, then the connection closed. */
function writeProblem (socket: Socket, problem: AppError, requestId: string, target: string | undefined) {
  if (!socket.writable) {
    socket.destroy()
    return
  }
  const { headers, body } = renderProblem(problem, requestId, target)
  socket.end([
    `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    '',
    body,
  ].join('\r\n'), () => socket.destroy())
}

function fromParserError (err: ClientError): AppError {
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW': return new AppError('HEADERS_TOO_LARGE', 'The request headers are larger than 16 KiB.')
    case 'ERR_HTTP_REQUEST_TIMEOUT': return new AppError('REQUEST_TIMEOUT', 'The request did not arrive in time.')
    case 'HPE_INVALID_METHOD': return new AppError('REQUEST_MALFORMED', 'The method is not an HTTP method this server knows; this API uses GET and POST.')
  }
  return new AppError('REQUEST_MALFORMED', 'The request is not valid HTTP/1.1.')
}
