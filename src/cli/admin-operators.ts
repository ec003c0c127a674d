import { parseArgs } from 'node:util'
import { API_KEY_PATTERN, generateOperatorToken, hashToken, OPERATOR_TOKEN_PATTERN, OPERATOR_TOKEN_PREFIX_LENGTH } from '../crypto/tokens.js'
import { insertAuditEvent } from '../db/audit-repository.js'
import { insertOperatorToken, listOperators, revokeOperatorToken } from '../db/operator-tokens-repository.js'
import { withTransaction } from '../db/pool.js'
import { invalid, OPERATOR_NAME, Refusal, UsageError, type AdminDeps } from './admin-common.js'
import { formatOperatorIssued, formatOperatorList, formatOperatorRevoked } from './format-table.js'

export type OperatorCommand =
  | { name: 'operator-issue'; json: boolean; operator: string }
  | { name: 'operator-revoke'; json: boolean; operator: string }
  | { name: 'operator-list'; json: boolean }

export const OPERATOR_SUBCOMMANDS: readonly string[] = ['issue', 'revoke', 'list']

/** An operator name: checked before it reaches a query, an audit row or the output. */
export function operatorName (raw: string, flag = 'operator name') {
  // A pasted token or API key would be stored and printed as a name: refuse it without echoing it.
  if (OPERATOR_TOKEN_PATTERN.test(raw) || API_KEY_PATTERN.test(raw)) throw invalid(`${flag} looks like a token or an API key, not a name`)
  if (!OPERATOR_NAME.test(raw)) throw invalid(`${flag} must be 1 to 64 characters from A-Z a-z 0-9 _ . @ -`)
  return raw
}

export function parseOperatorCommand (sub: string, rest: string[]): OperatorCommand | 'help' {
  const { values, positionals } = parseArgs({
    args: rest,
    strict: true,
    allowPositionals: sub !== 'list',
    options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  })
  if (values.help) return 'help'
  const json = values.json === true
  if (sub === 'list') return { name: 'operator-list', json }
  if (positionals.length !== 1) throw new UsageError(`operators ${sub} takes exactly one operator name`)
  const operator = operatorName(positionals[0]!)
  return { name: sub === 'issue' ? 'operator-issue' : 'operator-revoke', json, operator }
}

type Out = (human: string, data: unknown) => void

export async function runOperatorCommand (cmd: OperatorCommand, deps: AdminDeps, out: Out, actor: string): Promise<number> {
  if (cmd.name === 'operator-list') {
    const rows = await listOperators(deps.pool)
    // An explicit pick, so a column added to the query (the hash) never leaks.
    const data = rows.map((o) => ({ name: o.name, tokenPrefix: o.tokenPrefix, createdAt: o.createdAt, revokedAt: o.revokedAt }))
    out(formatOperatorList(data), { data })
    return 0
  }
  const name = cmd.operator
  if (cmd.name === 'operator-issue') {
    const token = generateOperatorToken()
    const issued = await withTransaction(deps.pool, async (client) => {
      const row = await insertOperatorToken(client, { name, tokenPrefix: token.slice(0, OPERATOR_TOKEN_PREFIX_LENGTH), tokenHash: hashToken(deps.config.API_KEY_PEPPER, token) })
      if (row) await insertAuditEvent(client, { actorType: 'operator', actor, action: 'operator_token.issued', details: { name } })
      return row
    })
    if (!issued) throw invalid(`Operator ${name} already has a live token; revoke it first (\`operators revoke ${name}\`), then issue a new one.`)
    out(formatOperatorIssued({ name, token }), { name, token })
    return 0
  }
  const revoked = await withTransaction(deps.pool, async (client) => {
    const row = await revokeOperatorToken(client, name)
    if (row) await insertAuditEvent(client, { actorType: 'operator', actor, action: 'operator_token.revoked', details: { name } })
    return row
  })
  if (!revoked) throw new Refusal('RESOURCE_NOT_FOUND', `Operator ${name} has no live token (see \`operators list\`).`)
  out(formatOperatorRevoked({ name, revokedAt: revoked.revokedAt }), { name, revokedAt: revoked.revokedAt })
  return 0
}
