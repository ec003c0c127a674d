import type { Logger } from 'pino'

/**
 * Runs `fn` every `intervalMs`, never overlapping itself; `stop` waits for a run in progress. With
 * `immediately` the first run starts now, not one interval later (a process that may not live
 * that long still runs it once).
 */
export function startIntervalTask (name: string, intervalMs: number, fn: () => Promise<unknown>, log: Logger, { immediately = false } = {}) {
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> = Promise.resolve()
  let stopped = false

  function schedule () {
    if (!stopped) timer = setTimeout(tick, intervalMs)
  }
  function tick () {
    running = fn().then(() => {}, (err: unknown) => log.warn({ err, task: name }, 'periodic task failed')).finally(schedule)
  }
  if (immediately) tick()
  else schedule()

  return async function stop () {
    stopped = true
    clearTimeout(timer)
    await running
  }
}
