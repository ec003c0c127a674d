import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { toCidr } from '../auth/ip-allowlist.js'
import { ConfigError, type Config } from '../config/config.js'
import { resolveConfig } from '../config/resolve.js'
import { createSecretBox } from '../crypto/secret-box.js'
import { listApiKeys } from '../db/api-keys-repository.js'
import { createPool, databasePoolOptions } from '../db/pool.js'
import { issueApiKey, revokeKey, validateWebhookUrl, type IssueApiKeyInput } from '../domain/api-keys.js'
import { isDependencyError } from '../errors/dependency-errors.js'
import { createLogger } from '../logging/logger.js'
import { closeQueues, createQueues, type Queues } from '../queue/queues.js'
import { createRedis } from '../queue/redis.js'
import { withTimeout } from '../util/with-timeout.js'
import { ACTION_KINDS, asRefusal, parseActionCommand, runActionCommand, type ActionCommand } from './admin-actions.js'
import { cliActorName, invalid, Refusal, refuse, UsageError, UUID, type AdminDeps, type AdminIo } from './admin-common.js'
import { KEYRING_SUBCOMMANDS, parseKeyringCommand, runKeyringCommand, type KeyringCommand } from './admin-keyring.js'
import { parseSchemeCommand, runSchemeCommand, type SchemeCommand } from './admin-scheme.js'
import { parseScheduleCommand, runScheduleCommand, type ScheduleCommand } from './admin-schedule.js'
import { OPERATOR_SUBCOMMANDS, parseOperatorCommand, runOperatorCommand, type OperatorCommand } from './admin-operators.js'
import { formatIssued, formatKeyList, formatRevoked, publicKeyRow, USAGE } from './format-table.js'
import type { SigningScheme } from '../db/signing-keys-repository.js'
import { SIGNING_SCHEMES, signsAsymmetric } from '../domain/signing-keys.js'
import { toSchemeResource } from '../http/scheme-resource.js'

export type { AdminDeps, AdminIo } from './admin-common.js'

type Command =
  | { name: 'issue'; json: boolean; input: IssueApiKeyInput & { ipAllowlist: string[]; expiresAt: Date | null } }
  | { name: 'list'; json: boolean }
  | { name: 'revoke'; json: boolean; id: string }
  | OperatorCommand
  | KeyringCommand
  | ActionCommand
  | SchemeCommand
  | ScheduleCommand

const SCOPE = /^[a-z][a-z0-9_-]*(:[a-z0-9_-]+)*$/
const ISO_8601 = /^(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/
const OPTIONS = {
  issue: {
    'webhook-url': { type: 'string' },
    'no-webhook': { type: 'boolean' },
    scopes: { type: 'string', multiple: true },
    env: { type: 'string' },
    'ip-allowlist': { type: 'string', multiple: true },
    'expires-at': { type: 'string' },
    owner: { type: 'string' },
    scheme: { type: 'string' },
  },
  list: {},
  revoke: {},
} as const

const commaList = (values: string[] | undefined) => (values ?? []).flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean)

function cidr (entry: string) {
  try {
    return toCidr(entry)
  } catch (err) {
    throw invalid(`--ip-allowlist: ${(err as Error).message}`)
  }
}

function expiry (raw: string | undefined) {
  if (raw === undefined) return null
  const m = ISO_8601.exec(raw)
  const date = new Date(raw)
  // The round trip of the day catches 2030-02-31, which Date rolls over into March.
  if (!m || Number.isNaN(date.getTime()) || (m[2] === undefined && date.toISOString().slice(0, 10) !== m[1])) {
    throw invalid(`--expires-at: ${JSON.stringify(raw)} is not an ISO-8601 date or date-time with offset (e.g. 2030-01-31T00:00:00Z)`)
  }
  if (date.getTime() <= Date.now()) throw invalid('--expires-at must be in the future')
  return date
}

function parseIssue (v: { [k: string]: string | boolean | string[] | undefined }): Command {
  const noWebhook = v['no-webhook'] === true
  const url = v['webhook-url'] as string | undefined
  if (noWebhook && url !== undefined) throw invalid('use either --webhook-url or --no-webhook, not both')
  if (!noWebhook && url === undefined) throw invalid('--webhook-url is required (or --no-webhook for a key without a webhook)')
  let webhookUrl: string | null = null
  if (url !== undefined) {
    try { webhookUrl = validateWebhookUrl(url) } catch (err) { throw invalid(`--webhook-url: ${(err as Error).message}`) }
  }
  const env = (v.env as string | undefined) ?? 'test'
  if (env !== 'test' && env !== 'live') throw invalid('--env must be test or live')
  const scopes = v.scopes === undefined ? ['webhooks:manage'] : [...new Set(commaList(v.scopes as string[]))]
  if (scopes.length === 0) throw invalid('--scopes must name at least one scope')
  const badScope = scopes.find((s) => !SCOPE.test(s))
  if (badScope !== undefined) throw invalid(`--scopes: ${JSON.stringify(badScope)} is not a scope (like webhooks:manage)`)
  const ownerId = ((v.owner as string | undefined) ?? 'cli').trim()
  if (ownerId === '' || ownerId.length > 200 || /\p{Cc}/u.test(ownerId)) throw invalid('--owner must be 1 to 200 printable characters')
  const ipAllowlist = [...new Set(commaList(v['ip-allowlist'] as string[] | undefined).map(cidr))]
  // Checked against SIGNING_SCHEMES on the next line.
  const signingScheme = ((v.scheme as string | undefined) ?? 'symmetric') as SigningScheme
  if (!SIGNING_SCHEMES.includes(signingScheme)) throw invalid(`--scheme must be one of ${SIGNING_SCHEMES.join(', ')}`)
  if (signsAsymmetric(signingScheme) && webhookUrl === null) throw invalid('--scheme: a key without a webhook signs nothing; give it a --webhook-url')
  return {
    name: 'issue',
    json: v.json === true,
    input: { ownerId, env, scopes, webhookUrl, ipAllowlist, expiresAt: expiry(v['expires-at'] as string | undefined), signingScheme },
  }
}

const GROUPS = ['keys', 'operators', 'rotations', 'keyring']

function parseCommand (argv: string[]): Command | 'help' {
  const [group, sub, ...rest] = argv
  if (group === '--help' || group === '-h' || (GROUPS.includes(group ?? '') && (sub === '--help' || sub === '-h'))) return 'help'
  if (group === undefined) throw new UsageError('no command given')
  if (group === 'operators' && sub !== undefined && OPERATOR_SUBCOMMANDS.includes(sub)) return parseOperatorCommand(sub, rest)
  if (group === 'keys' && sub !== undefined && Object.hasOwn(ACTION_KINDS, sub)) return parseActionCommand('keys', sub, rest)
  if (group === 'keys' && sub === 'scheme') return parseSchemeCommand(rest)
  if (group === 'keys' && sub === 'schedule') return parseScheduleCommand(rest)
  if (group === 'keyring' && sub !== undefined && KEYRING_SUBCOMMANDS.includes(sub)) return parseKeyringCommand(sub, rest)
  if (group === 'rotations' && sub === 'acknowledge') return parseActionCommand('rotations', sub, rest)
  if (group !== 'keys' || (sub !== 'issue' && sub !== 'list' && sub !== 'revoke')) {
    const words = [group, sub].filter((s) => s !== undefined && /^[a-z-]{1,30}$/.test(s))
    throw new UsageError(`unknown command${words.length > 0 ? ` "${words.join(' ')}"` : ''}`)
  }
  const { values, positionals } = parseArgs({
    args: rest,
    strict: true,
    allowPositionals: sub === 'revoke',
    options: { ...OPTIONS[sub], json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  })
  if (values.help) return 'help'
  const json = values.json === true
  if (sub === 'list') return { name: 'list', json }
  if (sub === 'issue') return parseIssue(values)
  if (positionals.length !== 1) throw new UsageError('keys revoke takes exactly one API key id')
  const id = positionals[0]!
  // A malformed id is reported like an unknown one, without echoing it (it may be a pasted key).
  if (!UUID.test(id)) throw new Refusal('RESOURCE_NOT_FOUND', 'No API key with that id (ids are UUIDs, see `keys list`).')
  return { name: 'revoke', json, id: id.toLowerCase() }
}

/**
 * Parses argv without touching a database: prints usage or a refusal and returns the exit code,
 * or returns the command to run. Lets --help and bad flags work with no database configured.
 */
export function parseAdminArgs (argv: string[], io: AdminIo): Command | number {
  const json = argv.includes('--json')
  try {
    const cmd = parseCommand(argv)
    if (cmd === 'help') { io.stdout(USAGE); return 0 }
    return cmd
  } catch (err) {
    const usage = err instanceof UsageError || String((err as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS')
    if (usage) {
      // Node's positional-argument message echoes the value, which may be a pasted key.
      const message = (err as { code?: unknown }).code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL'
        ? 'unexpected argument (this command takes no positional arguments)'
        : (err as Error).message
      if (json) io.stdout(`${JSON.stringify({ error: { code: 'VALIDATION_FAILED', message } })}\n`)
      io.stderr(`error: ${message}\n\n${USAGE}`)
      return 2
    }
    const refusal = asRefusal(err)
    if (refusal) return refuse(io, json, refusal.code, refusal.message)
    throw err
  }
}

export async function runAdmin (argv: string[], deps: AdminDeps): Promise<number> {
  const cmd = parseAdminArgs(argv, deps)
  if (typeof cmd === 'number') return cmd
  const out = (human: string, data: unknown) => deps.stdout(cmd.json ? `${JSON.stringify(data)}\n` : human)
  const actor = { actorType: 'operator' as const, actor: cliActorName() }
  try {
    if (cmd.name === 'operator-issue' || cmd.name === 'operator-revoke' || cmd.name === 'operator-list') return await runOperatorCommand(cmd, deps, out, actor.actor)
    if (cmd.name === 'keyring-status' || cmd.name === 'keyring-rewrap') return await runKeyringCommand(cmd, deps, out, actor.actor)
    if (cmd.name === 'action' || cmd.name === 'acknowledge') return await runActionCommand(cmd, deps, out, actor.actor)
    if (cmd.name === 'scheme') return await runSchemeCommand(cmd, deps, out, actor.actor)
    if (cmd.name === 'schedule') return await runScheduleCommand(cmd, deps, out, actor.actor)
    if (cmd.name === 'issue') {
      const secretBox = createSecretBox(deps.config.SECRET_ENCRYPTION_KEYS)
      const issued = await issueApiKey(deps.pool, { pepper: deps.config.API_KEY_PEPPER, secretBox }, cmd.input, actor)
      // Public keys and the JWKS URL only when the key signs with v1a; the JSON keeps its documented shape otherwise.
      const scheme = issued.scheme === null ? null : toSchemeResource(issued.scheme, deps.config)
      out(formatIssued({ ...cmd.input, ...issued, scheme }), {
        apiKey: issued.apiKey, apiKeyId: issued.apiKeyId, webhookSecret: issued.webhookSecret, ...(scheme ? { signingScheme: scheme } : {}),
      })
    } else if (cmd.name === 'list') {
      const rows = await listApiKeys(deps.pool)
      out(formatKeyList(rows), { data: rows.map(publicKeyRow) })
    } else {
      const revoked = await revokeKey(deps.pool, cmd.id, actor)
      if (!revoked) return refuse(deps, cmd.json, 'RESOURCE_NOT_FOUND', `No API key with id ${cmd.id}.`)
      out(formatRevoked({ id: cmd.id, ...revoked }), { id: cmd.id, ...revoked })
    }
    return 0
  } catch (err) {
    const refusal = asRefusal(err)
    if (refusal) return refuse(deps, cmd.json, refusal.code, refusal.message)
    if (isDependencyError(err)) {
      const code = (err as { code?: unknown }).code
      return refuse(deps, cmd.json, 'DEPENDENCY_UNAVAILABLE', `Postgres did not answer${typeof code === 'string' ? ` (${code})` : ''}. Check that the database is running and retry.`)
    }
    return refuse(deps, cmd.json, 'INTERNAL_ERROR', err instanceof Error ? err.message : String(err))
  }
}

async function main (argv: string[], io: AdminIo): Promise<number> {
  const cmd = parseAdminArgs(argv, io)
  if (typeof cmd === 'number') return cmd
  // Only the operator actions go through the worker, and so only they need Redis.
  const needRedis = cmd.name === 'action'
  let config: Config
  try {
    ({ config } = await resolveConfig(process.env, { needRedis }))
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    io.stderr(`error: ${err.message}\n`)
    return 1
  }
  const log = createLogger('silent')
  const pool = createPool(config.DATABASE_URL, log, databasePoolOptions(config))
  const redis = needRedis ? createRedis(config, 'api', log) : undefined
  const queues: Queues | undefined = redis ? createQueues(redis, config, log) : undefined
  try {
    return await runAdmin(argv, { ...io, pool, config, queues })
  } finally {
    if (queues) await withTimeout(closeQueues(queues), 2000).catch(() => {})
    redis?.disconnect()
    await pool.end().catch(() => {})
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2), {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
  })
}
