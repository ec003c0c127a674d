import { statSync } from 'node:fs'
import path from 'node:path'

export function isRoot () {
  return process.getuid?.() === 0
}

/**
 * Whether a user other than the owner (Postgres' own `postgres` user, when we run as root) can
 * reach `target`: every existing ancestor must be searchable by "others".
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
