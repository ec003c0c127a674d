import type { Queryable } from './pool.js'

export interface OperatorRow { id: string; name: string; revoked: boolean }

export async function insertOperatorToken (q: Queryable, t: { name: string; tokenPrefix: string; tokenHash: Buffer }) {
  const { rows } = await q.query<{ id: string; createdAt: Date }>(
    `insert into operator_tokens (name, token_prefix, token_hash) values ($1::text, $2::text, $3::bytea)
     on conflict (name) where revoked_at is null do nothing
     returning id, created_at as "createdAt"`,
    [t.name, t.tokenPrefix, t.tokenHash]
  )
  return rows[0]
}

export async function findOperatorByTokenHash (q: Queryable, tokenHash: Buffer): Promise<OperatorRow | undefined> {
  const { rows } = await q.query<OperatorRow>(
    'select id, name, revoked_at is not null as revoked from operator_tokens where token_hash = $1::bytea',
    [tokenHash]
  )
  return rows[0]
}

/** The operators whose token starts like `prefix` (what a refused console sign-in claimed to be). */
export async function findOperatorNamesByTokenPrefix (q: Queryable, prefix: string) {
  const { rows } = await q.query<{ name: string }>('select distinct name from operator_tokens where token_prefix = $1::text', [prefix])
  return rows.map((r) => r.name)
}

/** Revokes an operator's live token; undefined when the name has none. */
export async function revokeOperatorToken (q: Queryable, name: string) {
  const { rows } = await q.query<{ id: string; revokedAt: Date }>(
    `update operator_tokens set revoked_at = now() where name = $1::text and revoked_at is null
     returning id, revoked_at as "revokedAt"`,
    [name]
  )
  return rows[0]
}

export async function listOperators (q: Queryable) {
  const { rows } = await q.query<{ name: string; tokenPrefix: string; createdAt: Date; revokedAt: Date | null }>(
    `select name, token_prefix as "tokenPrefix", created_at as "createdAt", revoked_at as "revokedAt"
     from operator_tokens order by created_at desc`
  )
  return rows
}
