import { parseArgs } from 'node:util'
import { createSecretBox } from '../crypto/secret-box.js'
import type { SigningScheme } from '../db/signing-keys-repository.js'
import { SIGNING_SCHEMES, switchSigningScheme } from '../domain/signing-keys.js'
import { toSchemeResource } from '../http/scheme-resource.js'
import { invalid, Refusal, UUID, type AdminDeps } from './admin-common.js'
import { operatorName } from './admin-operators.js'

export interface SchemeCommand { name: 'scheme'; json: boolean; keyId: string; scheme: SigningScheme; reason: string; operator: string | null }

const KEY_SETTING_OPTIONS = { reason: { type: 'string' }, operator: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } as const

/**
 * The arguments every `keys <setting> <keyId> … --reason <text> [--operator <name>] [--json]`
 * command shares, parsed with the setting's own options; 'help' when asked.
 */
export function parseKeySettingArgs<K extends string> (rest: string[], own: Record<K, { type: 'string' | 'boolean' }>) {
  const parsed = parseArgs({ args: rest, strict: true, allowPositionals: true, options: { ...own, ...KEY_SETTING_OPTIONS } })
  const values = parsed.values as Record<string, string | boolean | undefined>
  const positionals = parsed.positionals
  if (values.help === true) return 'help' as const
  const reason = typeof values.reason === 'string' ? values.reason.trim() : ''
  if (reason === '') throw invalid('--reason is required: say why (it is recorded in the audit trail)')
  if (reason.length > 500) throw invalid(`--reason is ${reason.length} characters; at most 500 are allowed`)
  if (positionals.length !== 1 || !UUID.test(positionals[0]!)) throw new Refusal('RESOURCE_NOT_FOUND', 'No API key with that id (ids are UUIDs, see `keys list`).')
  return {
    values: values as Record<K, string | boolean | undefined>,
    common: {
      json: values.json === true,
      keyId: positionals[0]!.toLowerCase(),
      reason,
      operator: typeof values.operator === 'string' ? operatorName(values.operator, '--operator') : null,
    },
  }
}

/** `keys scheme <keyId> --scheme symmetric|asymmetric|both --reason <text>`. */
export function parseSchemeCommand (rest: string[]): SchemeCommand | 'help' {
  const parsed = parseKeySettingArgs(rest, { scheme: { type: 'string' } })
  if (parsed === 'help') return 'help'
  const scheme = parsed.values.scheme
  if (!SIGNING_SCHEMES.includes(scheme as SigningScheme)) throw invalid(`--scheme must be one of ${SIGNING_SCHEMES.join(', ')}`)
  return { name: 'scheme', ...parsed.common, scheme: scheme as SigningScheme }
}

/** Switches the scheme as PUT /v1/admin/api-keys/{keyId}/webhook-secret/scheme does; prints public keys only. */
export async function runSchemeCommand (cmd: SchemeCommand, deps: AdminDeps, out: (human: string, data: unknown) => void, defaultActor: string) {
  const secretBox = createSecretBox(deps.config.SECRET_ENCRYPTION_KEYS)
  const { changed, view } = await switchSigningScheme(deps.pool, secretBox, cmd.keyId, cmd.scheme, {
    actorType: 'operator', actor: cmd.operator ?? defaultActor, requestId: null, sourceIp: null, reason: cmd.reason,
  })
  const resource = toSchemeResource(view, deps.config)
  const keys = resource.publicKeys.map((k) => `  v${k.keyVersion} ${k.current ? 'current' : `until ${k.retainedUntil}`}  kid ${k.kid}  ${k.publicKey}\n`).join('')
  out(`API key ${cmd.keyId} ${changed ? 'now signs' : 'already signed'} with the ${resource.signingScheme} scheme.\n` +
    (resource.jwksUrl ? `JWKS: ${resource.jwksUrl}\n` : '') + keys, { changed, signingScheme: resource })
  return 0
}
