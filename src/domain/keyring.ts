import type pg from 'pg'
import { aad, createSecretBox, type KeyRingEntry } from '../crypto/secret-box.js'
import { insertAuditEvent } from '../db/audit-repository.js'
import {
  countCiphertextsByKid, countLeftToRewrap, lockHeldToRewrap, lockKeysToRewrap, writeHeldCiphertexts, writeKeyCiphertexts,
  type HeldCiphertext, type KeyCiphertexts,
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

  interface Slot { envelope: string | null; boundTo: string }
  interface Table<R extends { id: string }> {
    name: string
    lock: (client: pg.PoolClient, exclude: string[], limit: number) => Promise<R[]>
    slots: (row: R) => Slot[]
    rebuild: (row: R, envelopes: (string | null)[]) => R
    write: (client: pg.PoolClient, rows: R[]) => Promise<void>
  }

  /** One batch of one table in one transaction, with its audit event. */
  async function batch<R extends { id: string }> (table: Table<R>, opts: RewrapOptions, exclude: string[], failed: RewrapFailure[]) {
    return withTransaction(pool, async (client) => {
      const rows = await table.lock(client, exclude, opts.batchSize)
      const fromKids: Record<string, number> = {}
      const done = rows.flatMap((row) => {
        const slots = table.slots(row)
        const envelopes = slots.map((slot) => rewrapOne(slot.envelope, slot.boundTo))
        if (envelopes.includes(undefined)) {
          exclude.push(row.id)
          failed.push({ table: table.name, id: row.id, reason: 'cannot decrypt (unknown key id or damaged ciphertext)' })
          return []
        }
        for (const { envelope } of slots) if (envelope !== null && kidOf(envelope) !== activeKid) fromKids[kidOf(envelope)] = (fromKids[kidOf(envelope)] ?? 0) + 1
        return [table.rebuild(row, envelopes as (string | null)[])]
      })
      if (done.length > 0) {
        await table.write(client, done)
        await insertAuditEvent(client, { actorType: 'operator', actor: opts.actor, action: 'keyring.rewrapped', details: { table: table.name, rows: done.length, fromKids, toKid: activeKid } })
      }
      return { locked: rows.length, done: done.length }
    })
  }

  const apiKeys: Table<KeyCiphertexts> = {
    name: 'api_keys',
    lock: (client, exclude, limit) => lockKeysToRewrap(client, activeKid, exclude, limit),
    slots: (r) => [
      { envelope: r.current, boundTo: aad.current(r.id) },
      ...r.retained.map((s) => ({ envelope: s.secret, boundTo: aad.previous(r.id) })),
      ...r.signingKeys.map((k) => ({ envelope: k.privateKey, boundTo: aad.signingKey(r.id, k.version) })),
    ],
    rebuild: (r, [current, ...rest]) => ({
      id: r.id,
      current: current ?? null,
      retained: r.retained.map((s, i) => ({ version: s.version, secret: rest[i]! })),
      signingKeys: r.signingKeys.map((k, i) => ({ version: k.version, privateKey: rest[r.retained.length + i]! })),
    }),
    write: writeKeyCiphertexts,
  }
  const heldSecrets: Table<HeldCiphertext> = {
    name: 'webhook_secret_rotations',
    lock: (client, exclude, limit) => lockHeldToRewrap(client, activeKid, exclude, limit),
    slots: (r) => [{ envelope: r.held, boundTo: aad.held(r.id) }],
    rebuild: (r, [held]) => ({ id: r.id, held: held! }),
    write: writeHeldCiphertexts,
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
      const keys = await batch(apiKeys, opts, exclude, failed)
      const held = await batch(heldSecrets, opts, exclude, failed)
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
