/**
 * The closed catalogue of problem codes. The HTTP error handler and the public
 * `/v1/errors/{code}` pages (JSON, HTML and Markdown) all read from here, so a code cannot exist
 * in one and not the other, and no text about a code lives anywhere else.
 *
 * Adding a code: append an entry with EVERY field of `ErrorEntry` (the type check and
 * test/errors/catalogue.test.ts fail otherwise):
 *
 *   NEW_CODE: {
 *     status: 409,
 *     title: 'Short title',
 *     area: 'rotation', (one of ERROR_AREAS below)
 *     when: 'When it fires.',
 *     why: 'Why the service refuses rather than doing something else.',
 *     fix: 'What to do.' (or, where it depends on the caller's situation: [{ if: '…', then: '…' }, …]),
 *     headers: [{ name: 'Retry-After', meaning: '…' }] (or [] when it sets none beyond X-Error-Code),
 *     related: ['OTHER_CODE'],
 *     retrySafe: false,
 *   },
 *
 * In the texts, `backticks` mark code (header, field and route names); pages render them as code.
 */

/** The groups of the `/v1/errors` page, in page order, with the route an example problem names. */
export const ERROR_AREAS = {
  authentication: { title: 'Authentication', exampleInstance: '/v1/auth/api-keys/me/webhook-secret' },
  idempotency: { title: 'Idempotency', exampleInstance: '/v1/auth/api-keys/me/webhook-secret/rotate' },
  rotation: { title: 'Rotation', exampleInstance: '/v1/auth/api-keys/me/webhook-secret/rotate' },
  deliveries: { title: 'Deliveries', exampleInstance: '/v1/webhooks/events/0b9f5c3e-7d1a-4c55-9a43-2f4e8c1d6b70/redeliver' },
  operator: { title: 'Operator', exampleInstance: '/v1/admin/api-keys/5a1c2e9b-3f4d-4e6a-8b7c-9d0e1f2a3b4c/webhook-secret/rollback' },
  platform: { title: 'Platform', exampleInstance: '/v1/auth/api-keys/me/webhook-secret/rotate' },
} as const

export type ErrorArea = keyof typeof ERROR_AREAS

/** One case of "How to fix": the caller's situation, and what to do in it. */
export interface FixCase { if: string; then: string }

/** A response header the code sets, and what it tells the caller. */
export interface HeaderDoc { name: string; meaning: string }

export interface ErrorEntry {
  status: number
  title: string
  /** The group on the `/v1/errors` page. */
  area: ErrorArea
  /** When it fires. */
  when: string
  /** Why the service refuses, and what the refusal protects. */
  why: string
  /** What the caller should do: one text, or one case per situation where that differs. */
  fix: string | readonly FixCase[]
  /** Headers this code sets beyond `PROBLEM_HEADERS` (which every problem carries); [] for none. */
  headers: readonly HeaderDoc[]
  /** Codes a reader of this one should know about (each must be a catalogued code). */
  related: readonly string[]
  /** Whether sending the same request again can succeed without changing anything. */
  retrySafe: boolean
  /** Extension members of an example problem body, where the code adds any. */
  exampleExtensions?: Readonly<Record<string, unknown>>
}

/** Headers every problem response carries. */
export const PROBLEM_HEADERS: readonly HeaderDoc[] = [
  { name: 'X-Error-Code', meaning: 'The code, the same as `code` in the body: branch on it rather than on the title or detail.' },
  { name: 'X-Request-ID', meaning: 'The request\'s id, also `requestId` in the body. Quote it when you ask for help: the service logged the request under it.' },
  { name: 'X-API-Version', meaning: 'The version of the API that answered (on every response).' },
]

export const RETRY_SAFE_TEXT = {
  yes: 'Yes. The same request can succeed later without changes (wait for `Retry-After` where the response carries it), and sending it with the same `Idempotency-Key` never rotates twice.',
  no: 'No. The same request fails the same way until you change the request, the key or its settings.',
} as const

const AUTH_FIX = 'Send a valid API key in the `X-API-Key` header: `kash_live_` or `kash_test_` followed by 32 letters and digits.'
const AUTH_WHY = 'Every customer route acts on the key that calls it, so the service must know which key that is before it does anything. The refusal changes nothing.'
const OPERATOR_AUTH_WHY = 'Operator routes can roll back, recover and expire any key\'s secrets, so they only open to a named operator token, and every action is audited under that name.'
const RATE_LIMIT_HEADERS: readonly HeaderDoc[] = [
  { name: 'X-RateLimit-Limit', meaning: 'Requests this API key may make per 60-second window (on every authenticated customer response).' },
  { name: 'X-RateLimit-Remaining', meaning: 'Requests left in the current window.' },
  { name: 'X-RateLimit-Reset', meaning: 'Seconds until the current window ends and the count starts again (as the upstream SDK and the IETF RateLimit header fields read it).' },
]
const REFUSED_EARLY_WHY = 'The service checks the request before it touches any data, so a bad request changes nothing and can be corrected and sent again.'

const PARSER_HEADERS: readonly HeaderDoc[] = [
  { name: 'Connection', meaning: '`close` when the HTTP parser refused the request before it could be read to its end: the server closes the connection, so open a new one.' },
]

export const ERROR_CATALOGUE = {
  API_KEY_MISSING: {
    status: 401,
    title: 'Authentication required',
    area: 'authentication',
    when: 'The request has no `X-API-Key` header.',
    why: AUTH_WHY,
    fix: AUTH_FIX,
    headers: [],
    related: ['API_KEY_MALFORMED', 'API_KEY_INVALID'],
    retrySafe: false,
  },
  API_KEY_MALFORMED: {
    status: 401,
    title: 'Authentication required',
    area: 'authentication',
    when: 'The `X-API-Key` header is not of the form `kash_live_<32 base62>` or `kash_test_<32 base62>`.',
    why: AUTH_WHY,
    fix: AUTH_FIX,
    headers: [],
    related: ['API_KEY_MISSING', 'API_KEY_INVALID'],
    retrySafe: false,
  },
  API_KEY_INVALID: {
    status: 401,
    title: 'Authentication required',
    area: 'authentication',
    when: 'The API key is well formed but no such key exists.',
    why: AUTH_WHY,
    fix: AUTH_FIX,
    headers: [],
    related: ['API_KEY_MALFORMED', 'API_KEY_REVOKED'],
    retrySafe: false,
  },
  API_KEY_REVOKED: {
    status: 401,
    title: 'API key revoked',
    area: 'authentication',
    when: 'The API key was revoked. Revocation is permanent.',
    why: 'A revoked key may be in the wrong hands, so it opens nothing any more, not even reading its own metadata.',
    fix: 'Ask the account owner for a new API key.',
    headers: [],
    related: ['API_KEY_EXPIRED', 'API_KEY_INVALID'],
    retrySafe: false,
  },
  API_KEY_EXPIRED: {
    status: 401,
    title: 'API key expired',
    area: 'authentication',
    when: 'The API key passed its expiry time.',
    why: 'Keys issued with an expiry stop working at that time, so a forgotten key does not stay valid forever.',
    fix: 'Ask the account owner for a new API key.',
    headers: [],
    related: ['API_KEY_REVOKED'],
    retrySafe: false,
  },
  OPERATOR_TOKEN_MISSING: {
    status: 401,
    title: 'Operator authentication required',
    area: 'operator',
    when: 'An operator route was called without `Authorization: Bearer <operator token>`.',
    why: OPERATOR_AUTH_WHY,
    fix: 'Send an operator token issued by the admin CLI (`operators issue <name>`). Customer API keys never open operator routes.',
    headers: [],
    related: ['OPERATOR_TOKEN_INVALID', 'OPERATOR_ONLY'],
    retrySafe: false,
  },
  OPERATOR_TOKEN_INVALID: {
    status: 401,
    title: 'Operator authentication required',
    area: 'operator',
    when: 'The bearer token is malformed or no such operator token exists.',
    why: OPERATOR_AUTH_WHY,
    fix: 'Send a valid operator token (`kash_op_` followed by 40 letters and digits).',
    headers: [],
    related: ['OPERATOR_TOKEN_MISSING', 'OPERATOR_TOKEN_REVOKED'],
    retrySafe: false,
  },
  OPERATOR_TOKEN_REVOKED: {
    status: 401,
    title: 'Operator token revoked',
    area: 'operator',
    when: 'The operator token was revoked.',
    why: 'Tokens are revoked when a person leaves or a token leaks; a revoked token opens nothing.',
    fix: 'Ask for a new operator token.',
    headers: [],
    related: ['OPERATOR_TOKEN_INVALID'],
    retrySafe: false,
  },
  OPERATOR_ONLY: {
    status: 403,
    title: 'Operator route',
    area: 'operator',
    when: 'A customer API key was sent to an operator route; customer keys never open them.',
    why: 'Operator actions reach every key\'s secrets. Keeping them out of reach of customer keys means a leaked customer key can never touch another customer.',
    fix: 'Use the customer routes under `/v1/auth/api-keys/me`, or an operator token.',
    headers: [],
    related: ['OPERATOR_TOKEN_MISSING', 'INSUFFICIENT_SCOPE'],
    retrySafe: false,
  },
  INSUFFICIENT_SCOPE: {
    status: 403,
    title: 'Insufficient scope',
    area: 'authentication',
    when: 'The API key lacks the scope the route needs (`webhooks:manage` or `auth:manage` for webhook-secret routes).',
    why: 'Scopes let an account hand out keys that can read but not change its webhook secret.',
    fix: 'Use a key that carries one of the scopes named in the detail.',
    headers: [],
    related: ['OPERATOR_ONLY', 'IP_NOT_ALLOWED'],
    retrySafe: false,
  },
  IP_NOT_ALLOWED: {
    status: 403,
    title: 'IP not allowed',
    area: 'authentication',
    when: 'The API key has an IP allowlist and the request came from an address outside it.',
    why: 'An allowlist makes a leaked key useless outside the networks its owner named.',
    fix: 'Call from an allowed address, or ask the key owner to extend the allowlist.',
    headers: [],
    related: ['INSUFFICIENT_SCOPE'],
    retrySafe: false,
  },
  RESOURCE_NOT_FOUND: {
    status: 404,
    title: 'Resource not found',
    area: 'platform',
    when: 'No such route, or no such resource for this API key (a resource of another key is reported the same way).',
    why: 'Answering "not yours" differently from "does not exist" would tell a caller which ids other keys use.',
    fix: 'Check the path and the id.',
    headers: [],
    related: ['VALIDATION_FAILED'],
    retrySafe: false,
  },
  METHOD_NOT_ALLOWED: {
    status: 405,
    title: 'Method not allowed',
    area: 'platform',
    when: 'The path exists, but not with this method (a `GET` of the rotate route, which only takes `POST`).',
    why: 'Telling a wrong method apart from a wrong path points the caller at the one thing to change; nothing runs and nothing changes.',
    fix: 'Send one of the methods the `Allow` header lists (the OpenAPI document at `/v1/openapi.json` has each route\'s method).',
    headers: [{ name: 'Allow', meaning: 'The methods this path answers, e.g. `POST`.' }],
    related: ['RESOURCE_NOT_FOUND', 'REQUEST_MALFORMED'],
    retrySafe: false,
  },
  VALIDATION_FAILED: {
    status: 400,
    title: 'Validation failed',
    area: 'platform',
    when: 'The body, query or path parameters do not match the schema, or the body is not valid JSON. The detail names the first bad field.',
    why: REFUSED_EARLY_WHY,
    fix: 'Correct the field named in the detail.',
    headers: [],
    related: ['PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE'],
    retrySafe: false,
  },
  PAYLOAD_TOO_LARGE: {
    status: 413,
    title: 'Payload too large',
    area: 'platform',
    when: 'The request body is larger than the route accepts (16 KiB).',
    why: 'No request of this API needs a large body; the limit keeps one caller from tying up the server.',
    fix: 'Send a smaller body.',
    headers: [],
    related: ['VALIDATION_FAILED'],
    retrySafe: false,
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    title: 'Unsupported media type',
    area: 'platform',
    when: 'The request body is not `application/json`.',
    why: REFUSED_EARLY_WHY,
    fix: 'Send `Content-Type: application/json`, or no body at all.',
    headers: [],
    related: ['VALIDATION_FAILED'],
    retrySafe: false,
  },
  IDEMPOTENCY_KEY_FORMAT_INVALID: {
    status: 400,
    title: 'Idempotency key format invalid',
    area: 'idempotency',
    when: 'The `Idempotency-Key` header is empty, sent more than once, or has characters outside `[A-Za-z0-9_-:.]`.',
    why: 'The key identifies a request across retries, so it must survive proxies and logs unchanged.',
    fix: 'Use 1 to 255 characters from `[A-Za-z0-9_-:.]`; a UUID works.',
    headers: [],
    related: ['IDEMPOTENCY_KEY_TOO_LONG', 'IDEMPOTENCY_KEY_CONFLICT'],
    retrySafe: false,
  },
  IDEMPOTENCY_KEY_TOO_LONG: {
    status: 400,
    title: 'Idempotency key too long',
    area: 'idempotency',
    when: 'The `Idempotency-Key` header is longer than 255 characters.',
    why: 'Keys are stored with every rotation for the retention period; 255 characters is plenty for a UUID or a ticket id.',
    fix: 'Use at most 255 characters; a UUID works.',
    headers: [],
    related: ['IDEMPOTENCY_KEY_FORMAT_INVALID'],
    retrySafe: false,
  },
  IDEMPOTENCY_KEY_CONFLICT: {
    status: 409,
    title: 'Idempotency key conflict',
    area: 'idempotency',
    when: 'The `Idempotency-Key` was already used by this API key with a different request body.',
    why: 'A replay answers with the first request\'s result. Answering a different request with it would be wrong, and starting a second rotation under the same key would defeat the key.',
    fix: [
      { if: 'You meant to repeat the first request', then: 'Send the original body with the same key: you get the first request\'s result.' },
      { if: 'You meant a new request', then: 'Use a new `Idempotency-Key`.' },
    ],
    headers: [],
    related: ['IDEMPOTENCY_KEY_EXPIRED', 'WEBHOOK_SECRET_ROTATION_COOLDOWN'],
    retrySafe: false,
  },
  IDEMPOTENCY_KEY_EXPIRED: {
    status: 410,
    title: 'Idempotency key expired',
    area: 'idempotency',
    when: 'The `Idempotency-Key` names a request older than the retention (24 hours by default, `IDEMPOTENCY_RETENTION_SECONDS`); it no longer replays.',
    why: 'Replays are kept for a bounded time. After it, silently starting a new rotation under an old key could rotate a secret nobody meant to rotate.',
    fix: [
      { if: 'You are looking for the result of that old request', then: 'List your rotations (`GET /v1/auth/api-keys/me/webhook-secret/rotations`) and find it there.' },
      { if: 'You want a new rotation', then: 'Send it with a new `Idempotency-Key`.' },
    ],
    headers: [],
    related: ['IDEMPOTENCY_KEY_CONFLICT', 'WEBHOOK_SECRET_NO_LONGER_HELD'],
    retrySafe: false,
  },
  WEBHOOK_NOT_CONFIGURED: {
    status: 409,
    title: 'Webhook not configured',
    area: 'rotation',
    when: 'The API key has no webhook URL, so it has no secret to rotate and nowhere to deliver to.',
    why: 'A webhook secret only exists together with a webhook URL; rotating or testing nothing would only hide the missing set-up.',
    fix: 'Configure a webhook URL for the key first.',
    headers: [],
    related: ['WEBHOOK_SECRET_ROTATION_COOLDOWN'],
    retrySafe: false,
  },
  WEBHOOK_SECRET_NO_LONGER_HELD: {
    status: 410,
    title: 'Secret no longer held',
    area: 'rotation',
    when: 'The rotation succeeded, but the service no longer holds its new secret (acknowledged, or the hold ran out). The secret is in force on the key.',
    why: 'The service keeps a rotation\'s new secret only until it is acknowledged or its hold ends, so a stolen database or a late replay cannot hand it out. After that only the key\'s owner has it.',
    fix: [
      { if: 'You stored the new secret', then: 'Nothing to do: it is in force. Use it.' },
      { if: 'You lost it', then: 'Do not rotate again: that would push a secret you never stored into the rollback slot. Ask an operator for a recovery rotation, which keeps your last known secret as the previous one.' },
    ],
    headers: [],
    related: ['WEBHOOK_SECRET_ROTATION_COOLDOWN', 'IDEMPOTENCY_KEY_EXPIRED'],
    retrySafe: false,
    exampleExtensions: { rotationId: '3f6c1a52-8d4b-4f0e-9b7a-2c5d8e1f4a60', secretErasedAt: '2026-01-15T10:02:11.000Z', secretErasedReason: 'acknowledged' },
  },
  WEBHOOK_SECRET_ROTATION_COOLDOWN: {
    status: 429,
    title: 'Rotation cooldown active',
    area: 'rotation',
    when: '`POST /v1/auth/api-keys/me/webhook-secret/rotate` was called less than the cooldown (60 seconds by default, `ROTATION_COOLDOWN_SECONDS`) after the last successful rotation of this API key. The cooldown is per key: other keys are unaffected.',
    why: 'The cooldown is not a rate limit: it guards the rollback target. Upstream, every successful rotation moves the secret it replaces into a single `previous` slot, where it keeps signing next to the new one and an operator can roll back to it for 7 days; rotate twice in quick succession and the second rotation pushes the first one\'s brand-new secret into that slot, a secret you may never have received (the answer was lost in flight), so a rollback would restore a secret no verifier was configured for. This service keeps every secret you may hold signing for its own 7-day window instead of pushing one out, and rolls back to the newest secret you confirmed (acknowledged), so a second rotation is no longer dangerous; it is still wasteful, and the cooldown makes the case visible. It also holds the new secret of every rotation for a while, so a client that lost it fetches it from the rotation named in `rotationId` instead of rotating again.',
    fix: [
      { if: 'You have the new secret of the previous rotation', then: 'Wait `Retry-After` seconds and send the request again; the same `Idempotency-Key` works then.' },
      { if: 'You lost it, and `secretRecoverable` is `true`', then: 'Do not rotate again. Fetch the rotation named in `rotationId`, `GET /v1/auth/api-keys/me/webhook-secret/rotations/{rotationId}` (the `Link` header points at it): it answers with its `secret` while the service holds it. Store the secret, then acknowledge the rotation.' },
      { if: 'You lost it, and `secretRecoverable` is `false`', then: 'Ask an operator for a recovery rotation: a fresh secret handed over by support, your earlier secrets kept signing. Rotating again after the cooldown also works (the lost secret keeps signing for its window, next to the new one), but a recovery leaves a clear record.' },
    ],
    headers: [
      { name: 'Retry-After', meaning: 'Seconds until the cooldown ends, computed from the time of the last successful rotation.' },
      { name: 'Link', meaning: '`</v1/auth/api-keys/me/webhook-secret/rotations/{rotationId}>; rel="related"`: the rotation that started the cooldown. Present only while its new secret is held (`secretRecoverable` is `true`); fetch it instead of rotating again.' },
      ...RATE_LIMIT_HEADERS,
    ],
    related: ['RATE_LIMIT_EXCEEDED', 'WEBHOOK_SECRET_NO_LONGER_HELD', 'IDEMPOTENCY_KEY_CONFLICT', 'DEPENDENCY_UNAVAILABLE'],
    retrySafe: true,
    exampleExtensions: { rotationId: 'eeb3a7c0-5f21-4d8e-9c6b-1a2f3e4d5c6b', secretRecoverable: true },
  },
  ROTATION_NOT_FINISHED: {
    status: 409,
    title: 'Rotation not finished',
    area: 'rotation',
    when: 'The rotation has no secret to acknowledge yet: it is still queued or processing.',
    why: 'Acknowledging erases the held secret. Accepting it before the secret exists would let a caller erase a secret it never saw.',
    fix: 'Poll the rotation until its status is `succeeded`, store the secret, then acknowledge.',
    headers: [],
    related: ['WEBHOOK_SECRET_NO_LONGER_HELD'],
    retrySafe: true,
  },
  RATE_LIMIT_EXCEEDED: {
    status: 429,
    title: 'Rate limit exceeded',
    area: 'platform',
    when: 'This API key made more requests in the current 60-second window than `RATE_LIMIT_PER_MINUTE` allows (120 by default); or more credentials sent from this address (or, on console sign-in, operator tokens claiming one operator) were refused in the window than `AUTH_FAILURES_PER_MINUTE` allows (30 by default), and this one was refused too.',
    why: 'A fixed window per key keeps one busy client from slowing the API for everyone. It is about volume only; the rotation cooldown is a separate safety guard. Throttling refused credentials makes guessing expensive and visible; a valid credential is still accepted from the same address.',
    fix: [
      { if: 'Your requests were authenticated', then: 'Wait `Retry-After` seconds, then spread your requests out.' },
      { if: 'Your key or token was refused', then: 'Fix the credential (see `API_KEY_INVALID` or `OPERATOR_TOKEN_INVALID`) before retrying; a valid one is accepted at once.' },
    ],
    headers: [
      { name: 'Retry-After', meaning: 'Seconds until the current window ends.' },
      ...RATE_LIMIT_HEADERS,
    ],
    related: ['WEBHOOK_SECRET_ROTATION_COOLDOWN', 'API_KEY_INVALID', 'OPERATOR_TOKEN_INVALID', 'DEPENDENCY_UNAVAILABLE'],
    retrySafe: true,
  },
  ROLLBACK_WINDOW_CLOSED: {
    status: 409,
    title: 'Rollback window closed',
    area: 'operator',
    when: 'An operator rollback was asked for after the previous secret\'s retention window ended.',
    why: 'Once its window ends the previous secret no longer signs deliveries, and the customer was told to drop it; rolling back to it would break verifiers that followed that advice.',
    fix: 'Use a recovery rotation instead.',
    headers: [],
    related: ['NO_PREVIOUS_SECRET', 'WEBHOOK_SECRET_NO_LONGER_HELD'],
    retrySafe: false,
  },
  NO_PREVIOUS_SECRET: {
    status: 409,
    title: 'No previous secret',
    area: 'operator',
    when: 'An operator rollback, or a test delivery signed with the previous secret (`{"sign":"previous"}`), was asked for but the key holds no previous secret.',
    why: 'There is nothing to roll back to or sign with: the key was never rotated, or its previous secret was expired or rolled back.',
    fix: [
      { if: 'You are an operator rolling back', then: 'Use a recovery rotation instead.' },
      { if: 'You asked for a test delivery', then: 'Sign with `current` or `both`.' },
    ],
    headers: [],
    related: ['ROLLBACK_WINDOW_CLOSED'],
    retrySafe: false,
  },
  WEBHOOK_REPLAY_LIMIT_REACHED: {
    status: 429,
    title: 'Replay limit reached',
    area: 'deliveries',
    when: 'The event was already redelivered the maximum number of times (5).',
    why: 'Redelivery is for recovering a missed event, not for load testing a receiver; the limit keeps a loop from flooding it.',
    fix: 'Trigger a new test delivery instead.',
    headers: [],
    related: ['RATE_LIMIT_EXCEEDED', 'WEBHOOK_NOT_CONFIGURED'],
    retrySafe: false,
  },
  DEPENDENCY_UNAVAILABLE: {
    status: 503,
    title: 'Service unavailable',
    area: 'platform',
    when: 'A service this API depends on did not answer, or did not answer in time: the database waited longer than its lock timeout for a row another transaction held (an operator\'s transaction, a migration), a statement ran past its statement timeout, or the database was read-only (a standby reached during a failover); `detail` says which. Nothing was changed by this request.',
    why: 'Answering at once with a clear refusal is better than hanging or guessing: the request left no trace, so it is safe to send again.',
    fix: 'Retry after `Retry-After` seconds with the same `Idempotency-Key`.',
    headers: [{ name: 'Retry-After', meaning: 'Seconds to wait before retrying.' }],
    related: ['INTERNAL_ERROR', 'RATE_LIMIT_EXCEEDED'],
    retrySafe: true,
  },
  INTERNAL_ERROR: {
    status: 500,
    title: 'Internal server error',
    area: 'platform',
    when: 'An unexpected error. It was logged with the request id.',
    why: 'The answer never carries the cause (a stack trace or a query could leak data); the log line under the request id does.',
    fix: 'Retry with the same `Idempotency-Key`; if it persists, contact support with the `requestId`.',
    headers: [],
    related: ['DEPENDENCY_UNAVAILABLE'],
    retrySafe: true,
  },
  URI_TOO_LONG: {
    status: 414,
    title: 'URI too long',
    area: 'platform',
    when: 'A path segment is longer than any id or name this API uses (more than 100 characters).',
    why: 'No id of this API is that long, so such a path cannot name anything; refusing it early keeps oversized input out of the router and the logs.',
    fix: 'Check the path; ids are UUIDs.',
    headers: [],
    related: ['RESOURCE_NOT_FOUND', 'REQUEST_MALFORMED'],
    retrySafe: false,
  },
  HEADERS_TOO_LARGE: {
    status: 431,
    title: 'Request headers too large',
    area: 'platform',
    when: 'The request headers are larger than the server accepts (16 KiB in all).',
    why: 'No request of this API needs large headers; the limit keeps one caller from tying up the server. The HTTP parser refuses such a request before it is read.',
    fix: 'Send fewer or smaller headers.',
    headers: PARSER_HEADERS,
    related: ['PAYLOAD_TOO_LARGE', 'REQUEST_MALFORMED'],
    retrySafe: false,
  },
  REQUEST_MALFORMED: {
    status: 400,
    title: 'Malformed request',
    area: 'platform',
    when: 'The request is not valid HTTP for this API: an unknown method, a malformed request line or header, or a percent-encoding in the path that does not decode.',
    why: 'A request the server cannot parse cannot be trusted to mean anything; it is refused before any route runs, so nothing changes.',
    fix: 'Send a well-formed HTTP/1.1 request with one of the methods the route documents (GET, POST).',
    headers: PARSER_HEADERS,
    related: ['VALIDATION_FAILED', 'URI_TOO_LONG', 'EXPECTATION_FAILED'],
    retrySafe: false,
  },
  REQUEST_TIMEOUT: {
    status: 408,
    title: 'Request timeout',
    area: 'platform',
    when: 'The request headers or body did not arrive in time.',
    why: 'A connection that sends too slowly holds server resources for nothing; the server gives up on it. Nothing of the request was acted on.',
    fix: 'Send the whole request promptly; retrying is safe.',
    headers: PARSER_HEADERS,
    related: ['DEPENDENCY_UNAVAILABLE', 'REQUEST_MALFORMED'],
    retrySafe: true,
  },
  EXPECTATION_FAILED: {
    status: 417,
    title: 'Expectation failed',
    area: 'platform',
    when: 'The request has an `Expect` header other than `100-continue`.',
    why: 'The server cannot meet any other expectation, and HTTP says to refuse rather than ignore one.',
    fix: 'Send no `Expect` header, or `Expect: 100-continue`.',
    headers: PARSER_HEADERS,
    related: ['REQUEST_MALFORMED'],
    retrySafe: false,
  },
  ROTATION_IN_PROGRESS: {
    status: 503,
    title: 'Rotation in progress',
    area: 'rotation',
    when: 'A rotate request without `Prefer: respond-async` waited `ROTATE_WAIT_DEFAULT_MS` (25 s by default) and the rotation has not finished (a busy or paused worker, or Redis down). The rotation is recorded and will run; `Location` names it.',
    why: 'Clients that cannot read a 202 (the upstream SDK among them) would take one as success without a secret. A 503 makes them retry, and with the same `Idempotency-Key` the retry returns this rotation and its secret, never a second rotation that would fill the rollback slot with a secret nobody received.',
    fix: [
      { if: 'You sent an `Idempotency-Key`', then: 'Retry after `Retry-After` seconds with the same key: you get this rotation and its secret. Or poll the `Location` URL.' },
      { if: 'You sent none', then: 'Do not send the request again: that would start a new rotation. Poll the `Location` URL (the rotation named in `rotationId`) until it has succeeded, and send an `Idempotency-Key` from now on.' },
    ],
    headers: [
      { name: 'Retry-After', meaning: 'Seconds to wait before retrying with the same `Idempotency-Key`.' },
      { name: 'Location', meaning: 'The rotation that is running, `/v1/auth/api-keys/me/webhook-secret/rotations/{rotationId}`; poll it for its status and secret.' },
      ...RATE_LIMIT_HEADERS,
    ],
    related: ['DEPENDENCY_UNAVAILABLE', 'WEBHOOK_SECRET_ROTATION_COOLDOWN', 'IDEMPOTENCY_KEY_CONFLICT'],
    retrySafe: true,
    exampleExtensions: { rotationId: '7c2e9a14-0b3d-4f6e-8a5c-1d2e3f4a5b6c' },
  },
  KEY_REVOKED: {
    status: 409,
    title: 'API key revoked',
    area: 'operator',
    when: 'An operator action (rollback, recover, expire-previous) names an API key that is revoked. The operator token is fine; the key it acts on signs nothing any more, and its secrets are erased.',
    why: 'Revocation is permanent and the secret sweep erases a revoked key\'s secrets, so there is nothing left to roll back, recover or expire. A 401 would read as the operator\'s own authentication failing, so this refusal has its own code.',
    fix: 'Nothing to roll back, recover or expire: issue the customer a new API key instead.',
    headers: [],
    related: ['API_KEY_REVOKED', 'NO_PREVIOUS_SECRET'],
    retrySafe: false,
  },
  SERVICE_OVERLOADED: {
    status: 503,
    title: 'Service overloaded',
    area: 'platform',
    when: 'The API is shedding load: its event loop is delayed, its heap is nearly full, or requests have waited too long for a database connection. The request was refused before it was read, so nothing was changed.',
    why: 'A refusal at once, before any work, keeps an overloaded service answering instead of timing out for everyone; `/v1/ready` answers the same so a load balancer sends traffic elsewhere meanwhile.',
    fix: 'Retry after `Retry-After` seconds with the same `Idempotency-Key`: the refused request recorded nothing, and a replay never starts a second rotation.',
    headers: [{ name: 'Retry-After', meaning: 'Seconds to wait before retrying.' }],
    related: ['DEPENDENCY_UNAVAILABLE', 'RATE_LIMIT_EXCEEDED'],
    retrySafe: true,
  },
  CSRF_TOKEN_INVALID: {
    status: 403,
    title: 'Form refused',
    area: 'operator',
    when: 'An operator console form arrived without the CSRF token of this console session (another site posted it, the page is from an earlier session, or the browser sent two cookies of one console name).',
    why: 'The console acts with the signed-in operator\'s authority; a form another page posted in their browser must not run a runbook action.',
    fix: 'Reload the console page and submit the form again.',
    headers: [],
    related: ['OPERATOR_TOKEN_MISSING', 'CROSS_ORIGIN_REQUEST'],
    retrySafe: false,
  },
  CROSS_ORIGIN_REQUEST: {
    status: 403,
    title: 'Form from another site',
    area: 'operator',
    when: 'An operator console form was posted from a page that is not the console\'s own: `Sec-Fetch-Site` is not `same-origin`, or `Origin` is not the console\'s origin (`PUBLIC_URL`, or the address the request was made to).',
    why: 'A sibling subdomain is the same site, so SameSite cookies do not stop it from making an operator\'s browser post a runbook action; the browser\'s own word on where the form came from does.',
    fix: [
      { if: 'You submitted the form from the console', then: 'Behind a reverse proxy, set `PUBLIC_URL` to the address operators open (e.g. `https://ops.example.com`), then reload the page.' },
      { if: 'Another page submitted it', then: 'Nothing was changed. Open the console at its own address.' },
    ],
    headers: [],
    related: ['CSRF_TOKEN_INVALID'],
    retrySafe: false,
  },
} as const satisfies Record<string, ErrorEntry>

export type ErrorCode = keyof typeof ERROR_CATALOGUE

export const ERROR_CODES = Object.keys(ERROR_CATALOGUE) as ErrorCode[]

export function isErrorCode (value: string): value is ErrorCode {
  return Object.hasOwn(ERROR_CATALOGUE, value)
}

// A `related` entry that names no catalogued code fails the type check here.
type CodesOnly<T extends ErrorCode> = T
export type RelatedCode = CodesOnly<(typeof ERROR_CATALOGUE)[ErrorCode]['related'][number]>
