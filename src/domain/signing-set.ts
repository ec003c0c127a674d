import { listSigningSecrets } from '../db/retained-secrets-repository.js'
import type { Queryable } from '../db/pool.js'

export interface SigningSecretEntry { secretVersion: number; current: boolean; confirmed: boolean; retainedUntil: string | null }

/**
 * The secrets every delivery is signed with now, as metadata (never a secret): the current one
 * first, then each retained one still in its window, newest first, with whether it is confirmed.
 */
export async function describeSigningSet (
  q: Queryable,
  key: { id: string; secretVersion: number; currentConfirmed: boolean; hasSecret: boolean }
): Promise<SigningSecretEntry[]> {
  if (!key.hasSecret) return []
  const retained = await listSigningSecrets(q, key.id)
  return [
    { secretVersion: key.secretVersion, current: true, confirmed: key.currentConfirmed, retainedUntil: null },
    ...retained.map((s) => ({ secretVersion: s.secretVersion, current: false, confirmed: s.confirmed, retainedUntil: s.retainedUntil.toISOString() })),
  ]
}
