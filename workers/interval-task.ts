import type { Logger } from 'pino'

/** Runs `fn` every `intervalMs`, never overlapping itself; `stop` waits for a run in progress. */
export function startIntervalTask (name: string, intervalMs: number, fn: () => Promise<unknown>, log: Logger) {
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> = Promise.resolve()
  let stopped = false

  function schedule () {
    if (!stopped) timer = setTimeout(tick, intervalMs)
  }
  function tick () {
    running = fn().then(() => {}, (err: unknown) => log.warn({ err, task: name }, 'periodic task failed')).finally(schedule)
  }
  schedule()

  return async function stop () {
    stopped = true
    clearTimeout(timer)
    await running
  }
}
