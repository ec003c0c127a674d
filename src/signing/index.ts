export { signPayload, verifySignature, SIGNATURE_HEADER, DEFAULT_TOLERANCE_MS } from './signature.js'
export type { VerifyFailure, VerifyResult, VerifyOptions } from './signature.js'
