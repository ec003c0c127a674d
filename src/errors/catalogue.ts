/**
 * The closed catalogue of problem codes. The HTTP error handler and the public
 * `/v1/errors/{code}` pages both read from here, so a code cannot exist in one
 * and not the other.
 */
export interface ErrorEntry {
  status: number
  title: string
  /** When it fires. */
  when: string
  /** What the caller should do. */
  fix: string
  /** Whether sending the same request again can succeed without changing anything. */
  retrySafe: boolean
}

const AUTH_FIX = 'Send a valid API key in the X-API-Key header: kash_live_ or kash_test_ followed by 32 letters and digits.'

export const ERROR_CATALOGUE = {
  API_KEY_MISSING: { status: 401, title: 'Authentication required', when: 'The request has no X-API-Key header.', fix: AUTH_FIX, retrySafe: false },
  API_KEY_MALFORMED: { status: 401, title: 'Authentication required', when: 'The X-API-Key header is not of the form kash_live_<32 base62> or kash_test_<32 base62>.', fix: AUTH_FIX, retrySafe: false },
  API_KEY_INVALID: { status: 401, title: 'Authentication required', when: 'The API key is well formed but no such key exists.', fix: AUTH_FIX, retrySafe: false },
  API_KEY_REVOKED: { status: 401, title: 'API key revoked', when: 'The API key was revoked. Revocation is permanent.', fix: 'Ask the account owner for a new API key.', retrySafe: false },
  API_KEY_EXPIRED: { status: 401, title: 'API key expired', when: 'The API key passed its expiry time.', fix: 'Ask the account owner for a new API key.', retrySafe: false },
  OPERATOR_TOKEN_MISSING: { status: 401, title: 'Operator authentication required', when: 'An operator route was called without Authorization: Bearer <operator token>.', fix: 'Send an operator token issued by the admin CLI (operators issue <name>). Customer API keys never open operator routes.', retrySafe: false },
  OPERATOR_TOKEN_INVALID: { status: 401, title: 'Operator authentication required', when: 'The bearer token is malformed or no such operator token exists.', fix: 'Send a valid operator token (kash_op_ followed by 40 letters and digits).', retrySafe: false },
  OPERATOR_TOKEN_REVOKED: { status: 401, title: 'Operator token revoked', when: 'The operator token was revoked.', fix: 'Ask for a new operator token.', retrySafe: false },
  OPERATOR_ONLY: { status: 403, title: 'Operator route', when: 'A customer API key was sent to an operator route; customer keys never open them.', fix: 'Use the customer routes under /v1/auth/api-keys/me, or an operator token.', retrySafe: false },
  INSUFFICIENT_SCOPE: { status: 403, title: 'Insufficient scope', when: 'The API key lacks the scope the route needs (webhooks:manage or auth:manage for webhook-secret routes).', fix: 'Use a key that carries one of the scopes named in the detail.', retrySafe: false },
  IP_NOT_ALLOWED: { status: 403, title: 'IP not allowed', when: 'The API key has an IP allowlist and the request came from an address outside it.', fix: 'Call from an allowed address, or ask the key owner to extend the allowlist.', retrySafe: false },
  RESOURCE_NOT_FOUND: { status: 404, title: 'Resource not found', when: 'No such route, or no such resource for this API key (a resource of another key is reported the same way).', fix: 'Check the path and the id.', retrySafe: false },
  VALIDATION_FAILED: { status: 400, title: 'Validation failed', when: 'The body, query or path parameters do not match the schema, or the body is not valid JSON. The detail names the first bad field.', fix: 'Correct the field named in the detail.', retrySafe: false },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'Payload too large', when: 'The request body is larger than the route accepts (16 KiB).', fix: 'Send a smaller body.', retrySafe: false },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported media type', when: 'The request body is not application/json.', fix: 'Send Content-Type: application/json, or no body at all.', retrySafe: false },
  IDEMPOTENCY_KEY_FORMAT_INVALID: { status: 400, title: 'Idempotency key format invalid', when: 'The Idempotency-Key header is empty or has characters outside [A-Za-z0-9_-:.].', fix: 'Use 1 to 255 characters from [A-Za-z0-9_-:.]; a UUID works.', retrySafe: false },
  IDEMPOTENCY_KEY_TOO_LONG: { status: 400, title: 'Idempotency key too long', when: 'The Idempotency-Key header is longer than 255 characters.', fix: 'Use at most 255 characters; a UUID works.', retrySafe: false },
  IDEMPOTENCY_KEY_CONFLICT: { status: 409, title: 'Idempotency key conflict', when: 'The Idempotency-Key was already used by this API key with a different request body.', fix: 'Send the original body to replay the first request, or use a new key for a new request.', retrySafe: false },
  IDEMPOTENCY_KEY_EXPIRED: { status: 410, title: 'Idempotency key expired', when: 'The Idempotency-Key names a request older than the retention (24 hours by default); it no longer replays.', fix: 'To find that rotation, list your rotations. For a new rotation use a new key.', retrySafe: false },
  WEBHOOK_NOT_CONFIGURED: { status: 409, title: 'Webhook not configured', when: 'The API key has no webhook URL, so it has no secret to rotate.', fix: 'Configure a webhook URL for the key first.', retrySafe: false },
  WEBHOOK_SECRET_NO_LONGER_HELD: { status: 410, title: 'Secret no longer held', when: 'The rotation succeeded, but the service no longer holds its new secret (acknowledged, or the hold ran out). The secret is in force on the key.', fix: 'Do not rotate again: that would push a secret you never stored into the rollback slot. Ask an operator for a recovery rotation, which keeps your last known secret as the previous one.', retrySafe: false },
  WEBHOOK_SECRET_ROTATION_COOLDOWN: { status: 429, title: 'Rotation cooldown active', when: 'A rotation of this API key succeeded less than 60 seconds ago. The cooldown guards the rollback slot: rotating twice in quick succession would push a secret you may never have received into webhook_secret_previous.', fix: 'If you did not receive the new secret of the rotation named in rotationId, fetch it from the Link URL while secretRecoverable is true (do not rotate again). If you have it, wait Retry-After seconds; the same Idempotency-Key works then.', retrySafe: true },
  ROTATION_NOT_FINISHED: { status: 409, title: 'Rotation not finished', when: 'The rotation has no secret to acknowledge yet: it is still queued or processing.', fix: 'Poll the rotation until its status is succeeded, store the secret, then acknowledge.', retrySafe: true },
  RATE_LIMIT_EXCEEDED: { status: 429, title: 'Rate limit exceeded', when: 'Too many requests in the current window.', fix: 'Wait Retry-After seconds.', retrySafe: true },
  ROLLBACK_WINDOW_CLOSED: { status: 409, title: 'Rollback window closed', when: 'An operator rollback was asked for after the previous secret’s retention window ended.', fix: 'Use a recovery rotation instead.', retrySafe: false },
  NO_PREVIOUS_SECRET: { status: 409, title: 'No previous secret', when: 'An operator rollback was asked for but the key holds no previous secret.', fix: 'Use a recovery rotation instead.', retrySafe: false },
  WEBHOOK_REPLAY_LIMIT_REACHED: { status: 429, title: 'Replay limit reached', when: 'The event was already redelivered the maximum number of times.', fix: 'Trigger a new test delivery instead.', retrySafe: false },
  DEPENDENCY_UNAVAILABLE: { status: 503, title: 'Service unavailable', when: 'A service this API depends on did not answer. Nothing was changed by this request.', fix: 'Retry after Retry-After seconds with the same Idempotency-Key.', retrySafe: true },
  INTERNAL_ERROR: { status: 500, title: 'Internal server error', when: 'An unexpected error. It was logged with the request id.', fix: 'Retry with the same Idempotency-Key; if it persists, contact support with the requestId.', retrySafe: true },
  URI_TOO_LONG: { status: 414, title: 'URI too long', when: 'A path segment is longer than any id or name this API uses (more than 100 characters).', fix: 'Check the path; ids are UUIDs.', retrySafe: false },
  HEADERS_TOO_LARGE: { status: 431, title: 'Request headers too large', when: 'The request headers are larger than the server accepts (16 KiB in all).', fix: 'Send fewer or smaller headers.', retrySafe: false },
  REQUEST_MALFORMED: { status: 400, title: 'Malformed request', when: 'The request is not valid HTTP for this API: an unknown method, a malformed request line or header, or a percent-encoding in the path that does not decode.', fix: 'Send a well-formed HTTP/1.1 request with one of the methods the route documents (GET, POST).', retrySafe: false },
  REQUEST_TIMEOUT: { status: 408, title: 'Request timeout', when: 'The request headers or body did not arrive in time.', fix: 'Send the whole request promptly; retrying is safe.', retrySafe: true },
  EXPECTATION_FAILED: { status: 417, title: 'Expectation failed', when: 'The request has an Expect header other than 100-continue.', fix: 'Send no Expect header, or Expect: 100-continue.', retrySafe: false },
  ROTATION_IN_PROGRESS: { status: 503, title: 'Rotation in progress', when: 'A rotate request without Prefer: respond-async waited ROTATE_WAIT_DEFAULT_MS (25 s by default) and the rotation has not finished (a busy or paused worker, or Redis down). The rotation is recorded and will run; Location names it.', fix: 'Retry after Retry-After seconds with the same Idempotency-Key: you get this rotation and its secret, never a second rotation. Or poll the Location URL.', retrySafe: true },
} as const satisfies Record<string, ErrorEntry>

export type ErrorCode = keyof typeof ERROR_CATALOGUE

export const ERROR_CODES = Object.keys(ERROR_CATALOGUE) as ErrorCode[]

export function isErrorCode (value: string): value is ErrorCode {
  return Object.hasOwn(ERROR_CATALOGUE, value)
}
