/**
 * The version of this API's contract, sent as `X-API-Version` on every response (the upstream SDK
 * reads it) and as `apiVersion` in every webhook event body. The OpenAPI document shows the same.
 */
export const API_VERSION = '1.0.0'
