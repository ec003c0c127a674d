import { createHash } from 'node:crypto'
import { open, readFile, rename, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { z } from 'zod'
import { RotationClientError } from './errors.js'

/** What survives a crash between the first request and the acknowledgement. Never a secret. */
export const rotationStateSchema = z.object({
  version: z.literal(1),
  apiUrl: z.string(),
  /** sha256 of the API key, truncated: identifies the key, reveals nothing usable. */
  keyFingerprint: z.string(),
  idempotencyKey: z.string(),
  startedAt: z.string(),
})
export type RotationState = z.infer<typeof rotationStateSchema>

/**
 * What `pickup` leaves between handing a scheduled rotation's secret over and acknowledging it:
 * the rotation whose secret the caller stored. Never a secret.
 */
export const pickupStateSchema = z.object({
  version: z.literal(1),
  apiUrl: z.string(),
  keyFingerprint: z.string(),
  storedRotationId: z.string(),
  storedAt: z.string(),
})
export type PickupState = z.infer<typeof pickupStateSchema>

export function keyFingerprint (apiKey: string) {
  return `sha256:${createHash('sha256').update(apiKey, 'utf8').digest('hex').slice(0, 16)}`
}

/** The URL as the state file records it, so `https://x/` and `https://x` are the same service. */
export function normalizeApiUrl (apiUrl: string) {
  return new URL(apiUrl).toString().replace(/\/+$/, '')
}

async function fsyncPath (path: string, flags: string) {
  const handle = await open(path, flags)
  try { await handle.sync() } finally { await handle.close() }
}

/**
 * Writes the state durably: a temporary file, fsynced, renamed over the state file, then the
 * folder fsynced so the rename itself survives a power cut.
 */
export async function writeState (path: string, state: RotationState | PickupState) {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`)
  const handle = await open(tmp, 'w', 0o600)
  try {
    await handle.writeFile(`${JSON.stringify(state, null, 2)}\n`)
    await handle.sync()
  } finally {
    await handle.close()
  }
  await rename(tmp, path)
  await fsyncPath(dirname(path), 'r')
}

/** The state left by an unfinished rotation (or pickup, with its schema), or null when there is none. */
export async function readState (path: string): Promise<RotationState | null>
export async function readState (path: string, schema: typeof pickupStateSchema): Promise<PickupState | null>
export async function readState (path: string, schema: z.ZodType<RotationState | PickupState> = rotationStateSchema): Promise<RotationState | PickupState | null> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw err
  }
  let parsed: unknown
  try { parsed = JSON.parse(text) } catch { parsed = undefined }
  const result = schema.safeParse(parsed)
  if (!result.success) throw new RotationClientError('STATE_FILE_INVALID', `${path} is not a ${schema === rotationStateSchema ? 'rotation' : 'pickup'} state file; move it away or name another --state-file.`)
  return result.data
}

export async function clearState (path: string) {
  await rm(path, { force: true })
  await fsyncPath(dirname(path), 'r')
}

/** Refuses a state file written for another API key or another service: its key would mean nothing there. */
export function checkStateOwner (state: Pick<RotationState, 'apiUrl' | 'keyFingerprint'>, apiUrl: string, fingerprint: string, path: string) {
  if (state.apiUrl !== apiUrl) {
    throw new RotationClientError('STATE_FILE_MISMATCH', `${path} belongs to an unfinished rotation at ${state.apiUrl}, not ${apiUrl}; finish it there or use another state file.`)
  }
  if (state.keyFingerprint !== fingerprint) {
    throw new RotationClientError('STATE_FILE_MISMATCH', `${path} belongs to an unfinished rotation of another API key (${state.keyFingerprint}); finish it with that key or use another state file.`)
  }
}
