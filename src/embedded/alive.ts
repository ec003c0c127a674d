/** The process exists (signal 0 probes without signalling). */
export function alive (pid: number) {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    // EPERM: it exists, it belongs to another user (a postmaster running as `postgres`).
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}
