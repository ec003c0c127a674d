/**
 * The codes the client raises itself; the service never sends them. Every other code the client
 * reports is the service's own, from its catalogue (`/v1/errors/<CODE>` on the service).
 */
export const CLIENT_ERROR_CODES = {
  API_UNREACHABLE: 'The API URL refused the connection or its host name does not resolve, before any request reached it: nothing was sent. Check --api-url and that the service runs.',
  API_NO_ANSWER: 'The service took requests but gave no answer for the whole retry period (15 minutes by default). Run again with the same state file: it continues the same rotation.',
  UNEXPECTED_RESPONSE: 'The service answered with a status and no problem code (a proxy\'s error page, or not this service at --api-url).',
  ROTATION_FAILED: 'The rotation failed and the service gave no code for it.',
  STATE_FILE_INVALID: 'The state file is not a rotation state file.',
  STATE_FILE_MISMATCH: 'The state file belongs to an unfinished rotation of another API key or another API URL.',
  STATE_FILE_UNWRITABLE: 'The state file or its folder cannot be written.',
} as const

export type ClientErrorCode = keyof typeof CLIENT_ERROR_CODES

/** A refusal the client cannot retry its way out of; `code` is the service's problem code or one of CLIENT_ERROR_CODES. */
export class RotationClientError extends Error {
  constructor (
    readonly code: string,
    message: string,
    readonly details: { status?: number; rotationId?: string; retryAfterSeconds?: number } = {}
  ) {
    super(message)
    this.name = 'RotationClientError'
  }
}
