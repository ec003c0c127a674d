import type { Queryable } from '../db/pool.js'
import { findOperatorByTokenHash, type OperatorRow } from '../db/operator-tokens-repository.js'
import { hashToken, OPERATOR_TOKEN_PATTERN } from '../crypto/tokens.js'
import { AppError } from '../errors/app-error.js'

/** Authenticates `Authorization: Bearer <operator token>`; a customer key never passes. */
export async function authenticateOperator (
  q: Queryable,
  pepper: string,
  headers: { authorization?: string | string[]; 'x-api-key'?: string | string[] }
): Promise<OperatorRow> {
  const authorization = headers.authorization
  if (authorization === undefined || authorization === '') {
    if (headers['x-api-key'] !== undefined) throw new AppError('OPERATOR_ONLY', 'Customer API keys never open operator routes.')
    throw new AppError('OPERATOR_TOKEN_MISSING', 'Send Authorization: Bearer <operator token>.')
  }
  const m = typeof authorization === 'string' ? /^Bearer (\S+)$/i.exec(authorization) : null
  if (!m || !OPERATOR_TOKEN_PATTERN.test(m[1]!)) {
    if (m && /^kash_(live|test)_/.test(m[1]!)) throw new AppError('OPERATOR_ONLY', 'Customer API keys never open operator routes.')
    throw new AppError('OPERATOR_TOKEN_INVALID', 'The Authorization header must be Bearer kash_op_ followed by 40 letters and digits.')
  }
  const operator = await findOperatorByTokenHash(q, hashToken(pepper, m[1]!))
  if (!operator) throw new AppError('OPERATOR_TOKEN_INVALID', 'No such operator token.')
  if (operator.revoked) throw new AppError('OPERATOR_TOKEN_REVOKED', 'This operator token was revoked.')
  return operator
}
