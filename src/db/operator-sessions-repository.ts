import type { OperatorRow } from './operator-tokens-repository.js'
import type { Queryable } from './pool.js'

export async function insertOperatorSession (q: Queryable, s: { sessionHash: Buffer; operatorTokenId: string; ttlSeconds: number }) {
  const { rows: [row] } = await q.query<{ id: string; expiresAt: Date }>(
    `insert into operator_sessions (session_hash, operator_token_id, expires_at)
     values ($1::bytea, $2::uuid, now() + make_interval(secs => $3::int))
     returning id, expires_at as "expiresAt"`,
    [s.sessionHash, s.operatorTokenId, s.ttlSeconds])
  return row!
}

/** The operator of a live session: not ended, not expired, and its token not revoked. */
export async function findOperatorBySession (q: Queryable, sessionHash: Buffer): Promise<(OperatorRow & { sessionId: string }) | undefined> {
  const { rows } = await q.query<OperatorRow & { sessionId: string }>(
    `select t.id, t.name, false as revoked, s.id as "sessionId"
     from operator_sessions s join operator_tokens t on t.id = s.operator_token_id
     where s.session_hash = $1::bytea and s.ended_at is null and s.expires_at > now() and t.revoked_at is null`,
    [sessionHash])
  return rows[0]
}

export async function endOperatorSession (q: Queryable, sessionHash: Buffer) {
  await q.query('update operator_sessions set ended_at = now() where session_hash = $1::bytea and ended_at is null', [sessionHash])
}
