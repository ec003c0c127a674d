import { statSync } from 'node:fs'
import path from 'node:path'

export function isRoot () {
  return process.getuid?.() === 0
}

/**
 * Whether a user other than the owner (Postgres' own `postgres` user, when we run as root) can
 * reach into `target`: it and every existing ancestor must be searchable by "others". Pass the
 * folder to be entered, not a folder that user owns (Postgres keeps its data dir at 0700).
 */
export function reachableByOthers (target: string) {
  let dir = path.resolve(target)
  for (;;) {
    try {
      if ((statSync(dir).mode & 0o001) === 0) return false
    } catch {
      // not created yet: it will be created by us with a searchable mode
    }
    const parent = path.dirname(dir)
    if (parent === dir) return true
    dir = parent
  }
}
