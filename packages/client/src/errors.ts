/** A refusal the client cannot retry its way out of; `code` is the service's problem code or a client code. */
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
