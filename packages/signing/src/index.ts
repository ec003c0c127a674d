export { signPayload, verifySignature, SIGNATURE_HEADER, DEFAULT_TOLERANCE_MS } from './signature.js'
export type { VerifyFailure, VerifyResult, VerifyOptions } from './signature.js'
export {
  signStandardWebhook, standardWebhookHeaders, standardSecretKey, toStandardSecret,
  STANDARD_ID_HEADER, STANDARD_TIMESTAMP_HEADER, STANDARD_SIGNATURE_HEADER,
} from './standard-webhooks.js'
export {
  generateSigningKeyPair, publicKeyBytes, publicKeyKid, signingPrivateKey, signingPublicKey,
  signStandardWebhookAsymmetric, standardWebhookHeadersWithKeys, verifyStandardWebhookAsymmetric,
  PRIVATE_KEY_PREFIX, PUBLIC_KEY_PREFIX, DEFAULT_STANDARD_TOLERANCE_SECONDS,
} from './asymmetric.js'
export type { StandardVerifyFailure, StandardVerifyResult } from './asymmetric.js'
