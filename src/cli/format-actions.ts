import type { RotationKind, RotationRow } from '../db/rotations-repository.js'
import { when } from './format-table.js'

const iso = (d: Date | null) => (d === null ? null : d.toISOString())

/** The rotation as `--json` prints it; `secret` only for a recovery that just revealed it. */
export function actionRotationJson (row: RotationRow, secret: string | null) {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    secretVersion: row.secretVersion,
    rotatedAt: iso(row.rotatedAt),
    previousRetainedUntil: iso(row.previousRetainedUntil),
    secret,
  }
}

/** `rotations acknowledge --json`: the same fields plus where the held copy stands. */
export function acknowledgedJson (row: RotationRow, erased: boolean) {
  return {
    rotation: {
      ...actionRotationJson(row, null),
      secretHeld: row.heldSecret !== null,
      secretErasedAt: iso(row.secretErasedAt),
      secretErasedReason: row.secretErasedReason,
    },
    erased,
  }
}

const DONE: Record<RotationKind, string> = {
  operator_rollback: 'Rolled back: the previous secret is current again; dual-signing stopped.',
  operator_recover: 'Recovery rotation done: a fresh secret is current; the previous secret is kept and its window restarted.',
  operator_expire_previous: 'Previous secret expired: dual-signing stopped.',
  customer: 'Rotation done.',
  scheduled: 'Scheduled rotation done.',
}

const ERASED_BECAUSE = {
  acknowledged: 'it was acknowledged',
  redelivery_grace_elapsed: 'the redelivery grace after its first delivery ran out',
  hold_expired: 'the hold ran out',
  superseded_undelivered: 'a customer rotation discarded it, never delivered',
  key_revoked: 'the key was revoked',
}

function erasedNote (row: RotationRow) {
  return `The service no longer holds this recovery's secret (erased at ${when(row.secretErasedAt)} because ${ERASED_BECAUSE[row.secretErasedReason ?? 'hold_expired']}).`
}

function block (rows: [string, string][]) {
  const width = Math.max(...rows.map(([label]) => label.length)) + 1
  return rows.map(([label, value]) => `  ${`${label}:`.padEnd(width)}  ${value}`)
}

export function formatActionDone (row: RotationRow, secret: string | null, replayed: boolean): string {
  const rows: [string, string][] = [
    ['Rotation id', row.id],
    ['Kind', row.kind],
    ['Status', row.status],
    ['Secret version', row.secretVersion === null ? '-' : String(row.secretVersion)],
    ['Rotated at', when(row.rotatedAt)],
    ['Previous retained until', row.previousRetainedUntil === null ? '- (no previous secret in force)' : when(row.previousRetainedUntil)],
  ]
  if (secret !== null) rows.push(['New secret', secret])
  const done = row.kind === 'operator_recover' && row.previousRetainedUntil === null
    ? 'Recovery rotation done: a fresh secret is current (the key had no previous secret to keep).'
    : DONE[row.kind]
  const lines = [done, ...(replayed ? ['(Replayed: this idempotency key already ran this action; nothing new was done.)'] : []), '', ...block(rows), '']
  if (secret !== null) {
    lines.push('The new secret is shown once. Hand it to the customer over the support channel, then run',
      `\`rotations acknowledge ${row.id}\` to erase the held copy.`, '')
  } else if (row.kind === 'operator_recover') {
    lines.push(erasedNote(row), '')
  }
  return lines.join('\n')
}

export function formatActionPending (row: RotationRow, o: { waitedMs: number; idempotencyKey: string | null; enqueueFailed: boolean }): string {
  return [
    `Rotation ${row.id} (${row.kind}) is still ${row.status}: the worker has not finished it within ${Math.round(o.waitedMs / 1000)} s.`,
    'Is a worker running? The action stays queued and runs when a worker picks it up.',
    ...(o.enqueueFailed ? ['Redis did not take the job in time; the worker\'s reconciler adds it once Redis answers.'] : []),
    `Check it with GET /v1/admin/rotations/${row.id}` +
      (o.idempotencyKey === null ? '.' : ', or rerun this command with the same --idempotency-key and --reason.'),
    '',
  ].join('\n')
}

export function formatAcknowledged (row: RotationRow, erased: boolean): string {
  if (erased) return `Acknowledged: the held copy of the secret of rotation ${row.id} is erased.\n`
  if (row.secretErasedAt !== null) return `Rotation ${row.id} holds no secret any more; nothing changed. ${erasedNote(row).replace("this recovery's", 'its')}\n`
  return `Rotation ${row.id} (${row.kind}) never held a secret; nothing to acknowledge.\n`
}
