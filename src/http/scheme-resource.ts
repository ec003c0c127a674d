import type { Config } from '../config/config.js'
import { jwksPath, toPublicKeyResource, type SchemeView } from '../domain/signing-keys.js'

/** A key's scheme as the API shows it: the JWKS URL (absolute when PUBLIC_URL is set) and the public keys in force. */
export function toSchemeResource (view: SchemeView, config: Pick<Config, 'PUBLIC_URL'>) {
  return {
    signingScheme: view.signingScheme,
    jwksUrl: view.jwksToken === null ? null : `${config.PUBLIC_URL ?? ''}${jwksPath(view.jwksToken)}`,
    publicKeys: view.publicKeys.map(toPublicKeyResource),
  }
}
