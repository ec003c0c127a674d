import { readFileSync } from 'node:fs'

/**
 * The process exists and has not exited (signal 0 probes without signalling). A zombie (exited,
 * not yet reaped) counts as gone: in a container whose PID 1 does not reap orphans, a SIGKILLed
 * process stays a zombie for good, and its pid would look alive forever.
 */
export function alive (pid: number) {
  try {
    process.kill(pid, 0)
  } catch (err) {
    // EPERM: it exists, it belongs to another user (a postmaster running as `postgres`).
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false
  }
  return !zombie(pid)
}

/** Linux: the state field of /proc/<pid>/stat (after the parenthesised command name) is Z. */
function zombie (pid: number) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z'
  } catch {
    return false
  }
}
