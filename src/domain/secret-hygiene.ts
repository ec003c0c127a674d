import type pg from 'pg'
import { eraseHeldSecretsOfRevokedKeys, erasePreviousSecretsPastWindow, eraseRevokedKeySecrets, eraseSigningKeysPastWindow } from '../db/secret-hygiene-repository.js'

/**
 * Secrets kept no longer than they serve: a previous secret once its window has passed (a late
 * rollback still answers ROLLBACK_WINDOW_CLOSED from the window that stays), and every secret of a
 * revoked key, held copies and private keys included; a retained key pair's private key once its window has passed. Each erasure is audited.
 */
export function createSecretHygiene ({ pool }: { pool: pg.Pool }) {
  async function sweep (limit = 1000) {
    return {
      previousErased: (await erasePreviousSecretsPastWindow(pool, limit)).length,
      keyPairsErased: (await eraseSigningKeysPastWindow(pool, limit)).length,
      heldErased: (await eraseHeldSecretsOfRevokedKeys(pool, limit)).length,
      revokedKeysErased: (await eraseRevokedKeySecrets(pool, limit)).length,
    }
  }
  return { sweep }
}
