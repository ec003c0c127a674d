import { parseArgs } from 'node:util'
import { createKeyring, type RewrapResult } from '../domain/keyring.js'
import { invalid, type AdminDeps } from './admin-common.js'
import { formatTable } from './format-table.js'

export type KeyringCommand =
  | { name: 'keyring-status'; json: boolean }
  | { name: 'keyring-rewrap'; json: boolean; batchSize: number }

export const KEYRING_SUBCOMMANDS: readonly string[] = ['status', 'rewrap']

export function parseKeyringCommand (sub: string, rest: string[]): KeyringCommand | 'help' {
  const { values } = parseArgs({
    args: rest,
    strict: true,
    allowPositionals: false,
    options: {
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      ...(sub === 'rewrap' ? { 'batch-size': { type: 'string' } } as const : {}),
    },
  })
  if (values.help) return 'help'
  const json = values.json === true
  if (sub === 'status') return { name: 'keyring-status', json }
  const raw = (values as { 'batch-size'?: string })['batch-size'] ?? '500'
  const batchSize = Number(raw)
  if (!/^\d+$/.test(raw) || batchSize < 1 || batchSize > 10_000) throw invalid('--batch-size must be a whole number from 1 to 10000')
  return { name: 'keyring-rewrap', json, batchSize }
}

type Out = (human: string, data: unknown) => void
type Status = Awaited<ReturnType<ReturnType<typeof createKeyring>['status']>>

function formatStatus (s: Status) {
  const table = formatTable(['TABLE', 'COLUMN', 'KEY ID', 'CIPHERTEXTS', 'NOTE'], s.counts.map((c) => [
    c.table, c.column, c.kid, String(c.count), c.active ? 'active' : c.configured ? 'rewrap' : 'NOT IN SECRET_ENCRYPTION_KEYS',
  ]))
  const lines = [`Active key (encrypts): ${s.activeKid}. Configured: ${s.configuredKids.join(', ')}.`]
  lines.push(s.notUnderActive === 0
    ? 'Every ciphertext is under the active key.'
    : `${s.notUnderActive} ciphertext(s) under other keys: run \`keyring rewrap\`.`)
  if (s.removable.length > 0) lines.push(`No ciphertext uses ${s.removable.join(', ')}: safe to remove from SECRET_ENCRYPTION_KEYS.`)
  if (s.unknownKids.length > 0) lines.push(`Key id(s) ${s.unknownKids.join(', ')} are in use but not configured: those secrets cannot be decrypted.`)
  return `${s.counts.length > 0 ? table : 'No ciphertexts stored.\n'}${lines.join('\n')}\n`
}

function formatRewrap (r: RewrapResult) {
  const lines = [`Rewrapped under ${r.toKid}: ${r.keys} API key row(s), ${r.held} held secret(s), in ${r.batches} batch(es).`]
  for (const f of r.failed) lines.push(`FAILED ${f.table} ${f.id}: ${f.reason}`)
  if (r.busy > 0) lines.push(`${r.busy} row(s) stayed locked by rotations in flight: run \`keyring rewrap\` again.`)
  if (r.failed.length === 0 && r.busy === 0) lines.push('Run `keyring status` to see which keys can now be removed.')
  return `${lines.join('\n')}\n`
}

/** `keyring status` and `keyring rewrap`: exit 1 when a rewrap leaves anything behind. */
export async function runKeyringCommand (cmd: KeyringCommand, deps: AdminDeps, out: Out, actor: string): Promise<number> {
  const keyring = createKeyring({ pool: deps.pool, ring: deps.config.SECRET_ENCRYPTION_KEYS })
  if (cmd.name === 'keyring-status') {
    const s = await keyring.status()
    out(formatStatus(s), s)
    return 0
  }
  const r = await keyring.rewrap({ batchSize: cmd.batchSize, actor, busyWaitMs: deps.keyringBusyWaitMs })
  out(formatRewrap(r), r)
  return r.failed.length === 0 && r.busy === 0 ? 0 : 1
}
