import fc from 'fast-check'

/** One HTTP/1.1 request as sent on the wire; the target and header values are used verbatim. */
export interface FuzzRequest {
  method: string
  target: string
  headers: Array<[string, string]>
  body: string | null
}

export type RouteKind = 'customer' | 'operator' | 'public' | 'unknown'

export interface RouteTemplate { method: string; path: string; kind: RouteKind }

export interface Credentials {
  apiKey: string
  /** A signed-in console session of an operator: its cookie, the form token, and the fuzz key's id. */
  console: { cookie: string; csrf: string; keyId: string }
}

/** The bytes of the request (utf8 for non-ASCII header values, as a careless client sends them). */
export function serialize (req: FuzzRequest): Buffer {
  const head = [`${req.method} ${req.target} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close']
  for (const [name, value] of req.headers) head.push(`${name}: ${value}`)
  if (req.body !== null) head.push(`Content-Length: ${Buffer.byteLength(req.body)}`)
  return Buffer.concat([Buffer.from(head.join('\r\n') + '\r\n\r\n', 'utf8'), Buffer.from(req.body ?? '', 'utf8')])
}

/** Readable form of a (shrunk) request for the failure report; long runs are elided. */
export function describeRequest (req: FuzzRequest) {
  const text = serialize(req).toString('utf8')
  return text.replace(/(.)\1{40,}/g, (run, ch: string) => `${ch.repeat(8)}…(${run.length}×${JSON.stringify(ch)})…`)
}

const noLineBreaks = (s: string) => s.replace(/[\r\n]/g, '')
const nonAscii = fc.constantFrom('ключ', 'clé-é', '鍵🔑', 'Ärger', '\u00ff\u00fe', 'zero\u200bwidth')
const junkText = fc.string({ maxLength: 40, unit: 'binary' }).map(noLineBreaks)
const long = (min: number, max: number) => fc.integer({ min, max }).map((n) => 'a'.repeat(n))

const idSegment = fc.oneof(
  { weight: 4, arbitrary: fc.uuid() },
  { weight: 3, arbitrary: fc.constantFrom('abc', '0', '-1', 'null', 'undefined', '..', '%2e%2e', '%2e%2e%2f%2e%2e', '%ff%fe', '%00', '%', '%%41', 'a%2fb', 'WEBHOOK_SECRET_ROTATION_COOLDOWN', 'toString', '__proto__', 'constructor') },
  { weight: 1, arbitrary: long(90, 3000) },
  { weight: 1, arbitrary: nonAscii.map(encodeURIComponent) },
  { weight: 1, arbitrary: nonAscii }, // raw bytes in the request line
  { weight: 1, arbitrary: fc.webSegment() }
)

// Cursors of the right shape but out of range (issue 18): past bigint, and past any timestamp.
const craftedCursor = (sortKey: string) => Buffer.from(`${sortKey}.0b9f5c3e-7d1a-4c55-9a43-2f4e8c1d6b70`, 'utf8').toString('base64url')
const craftedCursors = fc.constantFrom(
  `cursor=${craftedCursor('99999999999999999999')}`, `cursor=${craftedCursor('9223372036854775807')}`, `cursor=${craftedCursor('253402300800000000')}`,
  'cursor=9999999999999999999', 'cursor=9223372036854775808', 'cursor=99999999999999999999', 'cursor=-1', 'cursor=00000000000000000001'
)
// Names every object inherits, where the console looks up an action or a `done` notice.
const inheritedNames = fc.constantFrom('constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', '__defineGetter__', 'toLocaleString', 'prototype')

const junkQuery = fc.oneof(
  fc.webQueryParameters(),
  craftedCursors,
  inheritedNames.map((name) => `done=${name}`),
  fc.constantFrom(
    'limit=-1', 'limit=abc', 'limit=0', 'limit=101', 'limit=100000000000000000000000', 'limit=1&limit=2', 'limit=1.5',
    'cursor=junk', 'cursor=', `cursor=${'A'.repeat(2000)}`, 'status=nope', 'status=delivered&status=failed', 'status[]=x',
    '__proto__[x]=1', 'constructor[prototype][x]=1', '%', '%%', 'a=%ff', 'apiKeyId=not-a-uuid', '=&=&', '&&&', 'a'.repeat(5000)
  )
)

const traversal = fc.constantFrom(
  '/v1/docs/static/../../../package.json', '/v1/docs/static/%2e%2e/%2e%2e/package.json', '/v1/docs/static/..%2f..%2fpackage.json',
  '/admin/queues/static/../../../../package.json', '/admin/queues/%2e%2e/%2e%2e/package.json', '/v1/../../package.json',
  '//etc/passwd', '/v1/errors/..%2f..%2fpackage.json', '/v1/docs/static/%c0%ae%c0%ae/package.json', '/./v1/health', '/v1//health'
)

const hiddenRoutes = fc.constantFrom('/v1/openapi.json', '/v1/docs', '/v1/docs/', '/v1/docs/static/index.html', '/v1/docs/json', '/admin/queues', '/admin/queues/api/queues')

const unknownPath = fc.array(fc.oneof(fc.webSegment(), idSegment), { minLength: 0, maxLength: 5 }).map((segs) => `/${segs.join('/')}`)

const methods = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('GET', 'POST') },
  { weight: 3, arbitrary: fc.constantFrom('HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS') },
  { weight: 2, arbitrary: fc.constantFrom('FOO', 'BREW', 'get', 'PROPFIND', 'M-SEARCH', 'TRACE', 'CONNECT', 'PURGE', 'QUERY') }
)

function credentialHeaders (kind: RouteKind, creds: Credentials): fc.Arbitrary<Array<[string, string]>> {
  const garbageKeys = fc.oneof(
    fc.constantFrom('kash_test_', 'kash_live_0000000000000000000000000000000', `kash_test_${'A'.repeat(32)}`, 'null', ''),
    nonAscii, junkText, long(200, 9000)
  )
  const apiKey = fc.oneof(
    { weight: kind === 'customer' ? 12 : 1, arbitrary: fc.constant<Array<[string, string]>>([['X-API-Key', creds.apiKey]]) },
    { weight: 1, arbitrary: garbageKeys.map((k): Array<[string, string]> => [['X-API-Key', k]]) },
    { weight: 1, arbitrary: garbageKeys.map((k): Array<[string, string]> => [['X-API-Key', creds.apiKey], ['X-API-Key', k]]) },
    { weight: 1, arbitrary: fc.constant<Array<[string, string]>>([]) }
  )
  const bearer = fc.oneof(
    fc.constant<Array<[string, string]>>([]),
    fc.oneof(garbageKeys, fc.stringMatching(/^kash_op_[A-Za-z0-9]{40}$/)).map((t): Array<[string, string]> => [['Authorization', `Bearer ${t}`]]),
    fc.constantFrom('Basic YWRtaW46YWRtaW4=', 'Bearer', 'Bearer  ', `Bearer ${creds.apiKey}`).map((v): Array<[string, string]> => [['Authorization', v]]),
    fc.constant<Array<[string, string]>>([['Authorization', 'Bearer a'], ['Authorization', 'Bearer b']])
  )
  if (kind === 'operator') return fc.oneof(bearer, apiKey)
  if (kind === 'customer') return apiKey
  return fc.oneof(apiKey, bearer)
}

/** `arb` in about one case of `1 + absentWeight`, else null. */
const sometimes = <T>(arb: fc.Arbitrary<T>, absentWeight: number) =>
  fc.oneof({ weight: absentWeight, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: arb })

const optionalHeader = (name: string, values: fc.Arbitrary<string>) =>
  sometimes(values.map((v): [string, string] => [name, noLineBreaks(v)]), 1)

const idempotencyKey = fc.oneof({ weight: 4, arbitrary: fc.uuid() }, fc.constantFrom('', ' ', 'bad key!', 'a:b.c-d_e'), long(250, 300), long(1000, 6000), nonAscii, junkText)
const requestId = fc.oneof(fc.uuid(), fc.constantFrom('', '<script>', '../../x', 'a b'), long(120, 140), nonAscii, junkText)
const prefer = fc.oneof(
  fc.constantFrom('respond-async', 'wait=0', 'wait=1', 'wait=-1', 'wait=abc', 'wait=99999999999999999999', 'respond-async, wait=5', 'wait=1.5', 'handling=strict', 'wait', 'wait=', ',,,'),
  nonAscii, junkText
)
const contentType = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('application/json', 'application/json; charset=utf-8') },
  fc.constantFrom('APPLICATION/JSON', 'application/json; charset=latin1', 'application/problem+json',
    'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonx', '', ';', 'application/json;;;'),
  nonAscii, junkText
)

function nested (depth: number, open: string, close: string, leaf: string) {
  return open.repeat(depth) + leaf + close.repeat(depth)
}

const body = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('{}', '{"reason":"fuzz"}', '{"sign":"current"}', '{"sign":"both"}', '{"reason":"fuzz","limit":1}', '') },
  { weight: 3, arbitrary: fc.json({ maxDepth: 4 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom('{', '{"reason":', 'null', '[]', '"str"', '1e999999', 'NaN', '{"__proto__":{"x":1}}',
      '{"constructor":{"prototype":{"x":1}}}', '\u0000', '{"reason":"\\ud800"}', '\ufeff{}', '{"reason":1}', '{"reason":"' + 'r'.repeat(600) + '"}')
  },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 20_000 }).map((n) => nested(n, '[', ']', '1')) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 5000 }).map((n) => nested(n, '{"a":', '}', '1')) },
  { weight: 1, arbitrary: fc.integer({ min: 16_000, max: 200_000 }).map((n) => JSON.stringify({ reason: 'x'.repeat(n) })) },
  { weight: 1, arbitrary: fc.string({ maxLength: 200, unit: 'binary' }) }
)

/**
 * Console forms of a signed-in operator, with a valid CSRF token, naming an action the console
 * must not find (an inherited property, or junk), for the fuzz key or another id, and key pages
 * with such a `done` notice. Real actions are left out: they would rotate the fuzz key.
 */
function consoleRequests (creds: Credentials): fc.Arbitrary<FuzzRequest> {
  const { cookie, csrf, keyId } = creds.console
  const keyIds = fc.oneof(fc.constant(keyId), fc.uuid(), idSegment)
  const actionName = fc.oneof({ weight: 3, arbitrary: inheritedNames }, { weight: 1, arbitrary: idSegment })
  const post = fc.record({ key: keyIds, action: actionName, idempotencyKey: fc.uuid(), accept: fc.constantFrom('text/html', 'application/json', '*/*') })
    .map(({ key, action, idempotencyKey, accept }): FuzzRequest => ({
      method: 'POST',
      target: `/admin/keys/${key}/${action}`,
      headers: [['Cookie', cookie], ['Content-Type', 'application/x-www-form-urlencoded'], ['Accept', accept]],
      body: new URLSearchParams({ _csrf: csrf, reason: 'fuzz', confirm: 'yes', idempotencyKey }).toString(),
    }))
  const page = fc.tuple(keyIds, inheritedNames).map(([key, name]): FuzzRequest => ({
    method: 'GET', target: `/admin/keys/${key}?done=${encodeURIComponent(name)}`, headers: [['Cookie', cookie]], body: null,
  }))
  return fc.oneof(post, page)
}

/** Requests over the whole route table, with credentials fitting (or not) each route's kind. */
export function fuzzRequests (routes: RouteTemplate[], creds: Credentials): fc.Arbitrary<FuzzRequest> {
  const routed = fc.constantFrom(...routes).chain((route) => fc.record({
    kind: fc.constant(route.kind),
    method: fc.oneof({ weight: 6, arbitrary: fc.constant(route.method) }, { weight: 1, arbitrary: methods }),
    path: fc.tuple(...route.path.split('/').map((seg) => seg.startsWith('{') ? idSegment : fc.constant(seg))).map((segs) => segs.join('/')),
  }))
  const other = fc.record({
    kind: fc.constant<RouteKind>('unknown'),
    method: methods,
    path: fc.oneof(unknownPath, traversal, hiddenRoutes),
  })
  const random = fc.oneof({ weight: 5, arbitrary: routed }, { weight: 2, arbitrary: other }).chain(({ kind, method, path }) => fc.record({
    method: fc.constant(method),
    target: sometimes(junkQuery, 3).map((q) => q === null ? path : `${path}?${q}`),
    credentials: credentialHeaders(kind, creds),
    extra: fc.tuple(
      optionalHeader('Idempotency-Key', idempotencyKey),
      optionalHeader('X-Request-ID', requestId),
      optionalHeader('Prefer', prefer),
      optionalHeader('Content-Type', contentType)
    ),
    duplicate: sometimes(fc.tuple(fc.constantFrom('Idempotency-Key', 'X-Request-ID', 'Prefer', 'Content-Type', 'Content-Length', 'Host', 'Upgrade', 'Transfer-Encoding', 'Expect'), fc.oneof(idempotencyKey, contentType, fc.constantFrom('websocket', 'h2c', 'chunked', 'gzip'))), 7),
    body: sometimes(body, 1),
  })).map(({ method, target, credentials, extra, duplicate, body }) => {
    const headers: Array<[string, string]> = [...credentials, ...extra.filter((h): h is [string, string] => h !== null)]
    if (duplicate) headers.push([duplicate[0], noLineBreaks(duplicate[1])])
    return { method, target, headers, body }
  })
  return fc.oneof({ weight: 9, arbitrary: random }, { weight: 1, arbitrary: consoleRequests(creds) })
}
