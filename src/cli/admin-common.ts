import type pg from 'pg'
import type { Config } from '../config/config.js'
import type { ErrorCode } from '../errors/catalogue.js'
import type { Queues } from '../queue/queues.js'

export interface AdminIo { stdout: (s: string) => void; stderr: (s: string) => void }
export interface AdminDeps extends AdminIo {
  pool: pg.Pool
  config: Config
  /** Needed by the operator actions (keys rollback | recover | expire-previous) only. */
  queues?: Queues
  /** How long an operator action waits for the worker (default 30 s). */
  actionWaitMs?: number
  /** How long `keyring rewrap` retries rows locked by rotations in flight (default 30 s). */
  keyringBusyWaitMs?: number
}

/** A refusal: exit 1 with `error: <CODE>: <message>`. */
export class Refusal extends Error {
  constructor (readonly code: ErrorCode, message: string) { super(message) }
}
/** A malformed command line: exit 2 with the usage text. */
export class UsageError extends Error {}

export const invalid = (message: string) => new Refusal('VALIDATION_FAILED', message)

export { UUID_PATTERN as UUID } from '../http/cursor.js'
export const OPERATOR_NAME = /^[A-Za-z0-9_.@-]{1,64}$/

/** Who the CLI acts as when no operator is named: `admin-cli:<USER>`. */
export function cliActorName () {
  return process.env.USER ? `admin-cli:${process.env.USER}` : 'admin-cli'
}

export function refuse (io: AdminIo, json: boolean, code: ErrorCode, message: string) {
  if (json) io.stdout(`${JSON.stringify({ error: { code, message } })}\n`)
  else io.stderr(`error: ${code}: ${message}\n`)
  return 1
}

/** Node's parseArgs values, as the sub-command parsers receive them. */
export type ParsedValues = { [k: string]: string | boolean | (string | boolean)[] | undefined }
