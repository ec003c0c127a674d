import type pg from 'pg'
import { aad, createSecretBox, type KeyRingEntry } from '../crypto/secret-box.js'
import { insertAuditEvent } from '../db/audit-repository.js'
import {
  countCiphertextsByKid, countLeftToRewrap, lockHeldToRewrap, lockKeysToRewrap, writeHeldCiphertexts, writeKeyCiphertexts,
} from '../db/keyring-repository.js'
import { withTransaction } from '../db/pool.js'

export interface KeyringDeps { pool: pg.Pool; ring: readonly KeyRingEntry[] }
export interface RewrapOptions {
  batchSize: number
  actor: string
  /** How long to keep retrying rows that rotations hold locked before giving up (default 30 s). */
  busyWaitMs?: number
}
export interface RewrapFailure { table: string; id: string; reason: string }
export interface RewrapResult { toKid: string; keys: number; held: number; batches: number; failed: RewrapFailure[]; busy: number }

const kidOf = (envelope: string) => envelope.split('.')[1] ?? ''
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * The master key ring's use: which key ids the stored ciphertexts are under, and re-encryption of
 * all of them under the first key, so the others can be removed from SECRET_ENCRYPTION_KEYS.
 * The associated data stays the same (row and slot), so a rewrapped ciphertext is still bound there.
 */
export function createKeyring ({ pool, ring }: KeyringDeps) {
  const box = createSecretBox(ring)
  const activeKid = ring[0]!.kid
  const configured = new Set(ring.map((k) => k.kid))

  async function status () {
    const counts = (await countCiphertextsByKid(pool)).map((c) => ({ ...c, configured: configured.has(c.kid), active: c.kid === activeKid }))
    const notUnderActive = counts.filter((c) => !c.active).reduce((n, c) => n + c.count, 0)
    const inUse = new Set(counts.map((c) => c.kid))
    return {
      activeKid,
      configuredKids: ring.map((k) => k.kid),
      counts,
      notUnderActive,
      /** Configured keys no ciphertext uses: safe to remove from SECRET_ENCRYPTION_KEYS. */
      removable: ring.slice(1).map((k) => k.kid).filter((kid) => !inUse.has(kid)),
      /** Key ids in use that the ring does not hold: those ciphertexts cannot be decrypted. */
      unknownKids: [...inUse].filter((kid) => !configured.has(kid)),
    }
  }

  /** Re-encrypts one envelope under the active key; undefined when it cannot be decrypted. */
  function rewrapOne (envelope: string | null, boundTo: string): string | null | undefined {
    if (envelope === null || kidOf(envelope) === activeKid) return envelope
    try {
      return box.encrypt(box.decrypt(envelope, boundTo), boundTo)
    } catch {
      return undefined
    }
  }

  async function keysBatch (opts: RewrapOptions, exclude: string[], failed: RewrapFailure[]) {
    return withTransaction(pool, async (client) => {
      const rows = await lockKeysToRewrap(client, activeKid, exclude, opts.batchSize)
      const fromKids: Record<string, number> = {}
      const done = rows.flatMap((r) => {
        const current = rewrapOne(r.current, aad.current(r.id))
        const previous = rewrapOne(r.previous, aad.previous(r.id))
        if (current === undefined || previous === undefined) {
          exclude.push(r.id)
          failed.push({ table: 'api_keys', id: r.id, reason: 'cannot decrypt (unknown key id or damaged ciphertext)' })
          return []
        }
        for (const c of [r.current, r.previous]) if (c !== null && kidOf(c) !== activeKid) fromKids[kidOf(c)] = (fromKids[kidOf(c)] ?? 0) + 1
        return [{ id: r.id, current, previous }]
      })
      if (done.length > 0) {
        await writeKeyCiphertexts(client, done)
        await insertAuditEvent(client, { actorType: 'operator', actor: opts.actor, action: 'keyring.rewrapped', details: { table: 'api_keys', rows: done.length, fromKids, toKid: activeKid } })
      }
      return { locked: rows.length, done: done.length }
    })
  }

  async function heldBatch (opts: RewrapOptions, exclude: string[], failed: RewrapFailure[]) {
    return withTransaction(pool, async (client) => {
      const rows = await lockHeldToRewrap(client, activeKid, exclude, opts.batchSize)
      const fromKids: Record<string, number> = {}
      const done = rows.flatMap((r) => {
        const held = rewrapOne(r.held, aad.held(r.id))
        if (!held) {
          exclude.push(r.id)
          failed.push({ table: 'webhook_secret_rotations', id: r.id, reason: 'cannot decrypt (unknown key id or damaged ciphertext)' })
          return []
        }
        fromKids[kidOf(r.held)] = (fromKids[kidOf(r.held)] ?? 0) + 1
        return [{ id: r.id, held }]
      })
      if (done.length > 0) {
        await writeHeldCiphertexts(client, done)
        await insertAuditEvent(client, { actorType: 'operator', actor: opts.actor, action: 'keyring.rewrapped', details: { table: 'webhook_secret_rotations', rows: done.length, fromKids, toKid: activeKid } })
      }
      return { locked: rows.length, done: done.length }
    })
  }

  /**
   * Rewraps in batches, each its own transaction (audited): interrupted, it resumes where it
   * stopped, since what is left is exactly what is not under the active key yet.
   */
  async function rewrap (opts: RewrapOptions): Promise<RewrapResult> {
    const exclude: string[] = []
    const failed: RewrapFailure[] = []
    const result = { toKid: activeKid, keys: 0, held: 0, batches: 0 }
    const deadline = Date.now() + (opts.busyWaitMs ?? 30_000)
    for (;;) {
      const keys = await keysBatch(opts, exclude, failed)
      const held = await heldBatch(opts, exclude, failed)
      result.keys += keys.done
      result.held += held.done
      result.batches += Number(keys.done > 0) + Number(held.done > 0)
      if (keys.locked > 0 || held.locked > 0) continue
      // Nothing unlocked is left; what remains is held by rotations in flight, or nothing.
      const left = await countLeftToRewrap(pool, activeKid, exclude)
      const busy = left.keys + left.held
      if (busy === 0 || Date.now() > deadline) return { ...result, failed, busy }
      await sleep(100)
    }
  }

  return { status, rewrap }
}
