export { signPayload, verifySignature, SIGNATURE_HEADER, DEFAULT_TOLERANCE_MS } from './signature.js'
export type { VerifyFailure, VerifyResult, VerifyOptions } from './signature.js'
export {
  signStandardWebhook, standardWebhookHeaders, standardSecretKey, toStandardSecret,
  STANDARD_ID_HEADER, STANDARD_TIMESTAMP_HEADER, STANDARD_SIGNATURE_HEADER,
} from './standard-webhooks.js'
