import type { ApiKeyListRow } from '../db/api-keys-repository.js'

export const USAGE = `usage: npm run --silent admin -- <command> [--json]

commands:
  keys issue --webhook-url <url> [--scopes a,b] [--env test|live] [--ip-allowlist <cidr-or-ip>[,...]]
             [--expires-at <ISO-8601>] [--owner <id>] [--scheme symmetric|asymmetric|both] [--no-webhook] [--json]
      Issues an API key; prints the key and its first webhook secret once.
      Defaults: --scopes webhooks:manage, --env test, --owner cli, --scheme symmetric. --no-webhook issues a
      key without a webhook URL (and so without a secret) instead of --webhook-url. --scheme asymmetric
      or both also makes its first ed25519 key pair and prints the JWKS URL and the public key.
  keys list [--json]          Lists API keys (never a secret or key hash).
  keys revoke <id> [--json]   Revokes an API key. Permanent; revoking twice is harmless.

  keys rollback <keyId> --reason <text> [--secret-version <n>] [--operator <name>] [--idempotency-key <k>] [--json]
      Rolls the webhook secret back to the newest confirmed earlier secret in its window (or the
      version named); the failed secret is discarded, other earlier secrets keep signing.
  keys recover <keyId> --reason <text> [--operator <name>] [--idempotency-key <k>] [--json]
      Recovery rotation: a fresh secret, the earlier ones kept. Prints the new secret once; hand it
      over, then run \`rotations acknowledge <rotationId>\`.
  keys expire-previous <keyId> --reason <text> [--secret-version <n>] [--operator <name>] [--idempotency-key <k>] [--json]
      Every earlier secret (or the version named) stops signing now: it leaked.
      These three run through the worker (they need Redis) and wait up to 30 s for it. The actor
      recorded in the audit trail is --operator, or admin-cli:$USER.
  keys scheme <keyId> --scheme symmetric|asymmetric|both --reason <text> [--operator <name>] [--json]
      How deliveries are signed: whsec_ secrets (HMAC, v1), ed25519 key pairs (v1a), or both. A
      switch to asymmetric or both makes the first key pair; prints the JWKS URL and the public keys.
  keys schedule <keyId> --every-days <n> | --off --reason <text> [--operator <name>] [--json]
      Rotate the key every n days (1-365), by the worker's job scheduler and the customer rotation's
      rule; --off removes the schedule. A symmetric key's new secret waits for the customer's pickup.
  rotations acknowledge <rotationId> [--operator <name>] [--json]
      Erases the held copy of a recovery's secret once it was handed over.

  operators issue <name> [--json]    Issues an operator token; prints it once.
  operators revoke <name> [--json]   Revokes the operator's live token.
  operators list [--json]            Lists operators (never a token or its hash).

  keyring status [--json]
      Counts the stored ciphertexts (current, previous and held secrets, private signing keys) per master key id, and
      names the keys of SECRET_ENCRYPTION_KEYS that no ciphertext uses any more.
  keyring rewrap [--batch-size <n>] [--json]
      Re-encrypts every ciphertext under the first key of SECRET_ENCRYPTION_KEYS, in audited
      batches (default 500) that skip rows a rotation holds; safe while the service runs, and
      resumable: run it again after an interruption. Exit 1 if anything was left behind.

Exit codes: 0 done, 1 refused (error: <CODE>: <message>), 2 usage error.
`

/** Left-aligned columns separated by two spaces; trailing spaces trimmed. */
export function formatTable (headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd()
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n'
}

export const when = (d: Date | null) => (d === null ? '-' : d.toISOString().replace(/\.\d{3}Z$/, 'Z'))

/** The fields `keys list` may show: an explicit pick, so a column added to the query never leaks. */
export function publicKeyRow (k: ApiKeyListRow) {
  return {
    id: k.id,
    ownerId: k.ownerId,
    env: k.env,
    keyPrefix: k.keyPrefix,
    scopes: k.scopes,
    ipAllowlist: k.ipAllowlist,
    webhookUrl: k.webhookUrl,
    secretVersion: k.secretVersion,
    createdAt: k.createdAt,
    expiresAt: k.expiresAt,
    revokedAt: k.revokedAt,
  }
}

export function formatKeyList (rows: readonly ApiKeyListRow[]): string {
  if (rows.length === 0) return 'no API keys\n'
  return formatTable(
    ['ID', 'PREFIX', 'ENV', 'SCOPES', 'WEBHOOK URL', 'VERSION', 'CREATED', 'EXPIRES', 'REVOKED'],
    rows.map((k) => [
      k.id, `${k.keyPrefix}…`, k.env, k.scopes.join(',') || '-', k.webhookUrl ?? '-', String(k.secretVersion),
      when(k.createdAt), when(k.expiresAt), when(k.revokedAt),
    ])
  )
}

export interface IssuedSummary {
  apiKey: string
  apiKeyId: string
  webhookSecret: string | null
  ownerId: string
  env: string
  scopes: string[]
  webhookUrl: string | null
  ipAllowlist: string[]
  expiresAt: Date | null
  /** When the key signs with v1a: its JWKS URL and public keys. */
  scheme?: { signingScheme: string; jwksUrl: string | null; publicKeys: { keyVersion: number; kid: string; publicKey: string }[] } | null
}

export function formatIssued (s: IssuedSummary): string {
  const rows: [string, string][] = [
    ['API key id', s.apiKeyId],
    ['API key', s.apiKey],
    ['Webhook secret', s.webhookSecret ?? 'none (no webhook URL)'],
    ['Owner', s.ownerId],
    ['Env', s.env],
    ['Scopes', s.scopes.join(', ')],
    ['Webhook URL', s.webhookUrl ?? 'none'],
    ['IP allowlist', s.ipAllowlist.length > 0 ? s.ipAllowlist.join(', ') : 'any address'],
    ['Expires', s.expiresAt === null ? 'never' : when(s.expiresAt)],
    ...(s.scheme
      ? [['Signing scheme', s.scheme.signingScheme], ['JWKS URL', s.scheme.jwksUrl ?? 'none'],
          ...s.scheme.publicKeys.map((k): [string, string] => [`Public key v${k.keyVersion}`, `${k.publicKey} (kid ${k.kid})`])] as [string, string][]
      : []),
  ]
  const width = Math.max(...rows.map(([label]) => label.length)) + 1
  return [
    'API key issued.',
    `The API key${s.webhookSecret === null ? ' is' : ' and the webhook secret are'} shown once: store ${s.webhookSecret === null ? 'it' : 'them'} now, they cannot be shown again.`,
    '',
    ...rows.map(([label, value]) => `  ${`${label}:`.padEnd(width)}  ${value}`),
    '',
  ].join('\n')
}

export function formatRevoked (r: { id: string; revokedAt: Date; alreadyRevoked: boolean }): string {
  return r.alreadyRevoked
    ? `API key ${r.id} was already revoked at ${when(r.revokedAt)}; nothing changed.\n`
    : `Revoked API key ${r.id} at ${when(r.revokedAt)}. Revocation is permanent.\n`
}

export interface OperatorListRow { name: string; tokenPrefix: string; createdAt: Date; revokedAt: Date | null }

export function formatOperatorList (rows: readonly OperatorListRow[]): string {
  if (rows.length === 0) return 'no operators\n'
  return formatTable(['NAME', 'PREFIX', 'CREATED', 'REVOKED'], rows.map((o) => [o.name, `${o.tokenPrefix}…`, when(o.createdAt), when(o.revokedAt)]))
}

export function formatOperatorIssued (o: { name: string; token: string }): string {
  return [
    `Operator token issued for ${o.name}.`,
    'The token is shown once: store it now, it cannot be shown again.',
    '',
    `  Operator:  ${o.name}`,
    `  Token:     ${o.token}`,
    '',
    'Send it as Authorization: Bearer <token> to the /v1/admin/ routes.',
    '',
  ].join('\n')
}

export function formatOperatorRevoked (o: { name: string; revokedAt: Date }): string {
  return `Revoked the operator token of ${o.name} at ${when(o.revokedAt)}. Issue a new one with \`operators issue ${o.name}\`.\n`
}
