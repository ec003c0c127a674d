/** What one load run measured: completed operations, their rate and latency percentiles (ms). */
export interface RunStats {
  count: number
  seconds: number
  perSecond: number
  p50: number
  p99: number
  statuses: Record<string, number>
}

/** Answers other than `status` (503s while shedding load, errors): "2 × 503, 1 × error:…", or '' when none. */
export function unexpectedAnswers (stats: RunStats, status: string) {
  return Object.entries(stats.statuses).filter(([s]) => s !== status).map(([s, n]) => `${n} × ${s}`).join(', ')
}

/** Per second, counting only answers with `status`: a fast 503 is not throughput. */
export function ratePer (stats: RunStats, status: string) {
  return stats.seconds > 0 ? (stats.statuses[status] ?? 0) / stats.seconds : 0
}

export function summarize (latencies: number[], seconds: number, statuses: Record<string, number>): RunStats {
  const sorted = [...latencies].sort((a, b) => a - b)
  const pct = (p: number) => sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!
  return {
    count: sorted.length,
    seconds,
    perSecond: seconds > 0 ? sorted.length / seconds : 0,
    p50: pct(0.5),
    p99: pct(0.99),
    statuses,
  }
}

/**
 * Closed loop: `concurrency` callers each run the next item as soon as the last one finished,
 * until the items run out or `durationMs` has passed. Latency is per call.
 */
export async function closedLoop<T> (items: T[], concurrency: number, durationMs: number, call: (item: T) => Promise<string>): Promise<RunStats> {
  const latencies: number[] = []
  const statuses: Record<string, number> = {}
  let next = 0
  const started = performance.now()
  const stopAt = started + durationMs
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length && performance.now() < stopAt) {
      const item = items[next++]!
      const t = performance.now()
      const status = await call(item).catch((err: unknown) => `error:${(err as Error).name}`)
      latencies.push(performance.now() - t)
      statuses[status] = (statuses[status] ?? 0) + 1
    }
  }))
  return summarize(latencies, (performance.now() - started) / 1000, statuses)
}

/**
 * Open loop: item i is due at start + i/rate whether or not earlier calls have finished, and its
 * latency counts from when it was due (no coordinated omission).
 */
export async function openLoop<T> (items: T[], rate: number, durationMs: number, call: (item: T) => Promise<string>): Promise<RunStats> {
  const latencies: number[] = []
  const statuses: Record<string, number> = {}
  const total = Math.min(items.length, Math.max(1, Math.floor(rate * durationMs / 1000)))
  const started = performance.now()
  const inFlight: Promise<void>[] = []
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate
    const wait = due - performance.now()
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait))
    inFlight.push(call(items[i]!).catch((err: unknown) => `error:${(err as Error).name}`).then((status) => {
      latencies.push(performance.now() - due)
      statuses[status] = (statuses[status] ?? 0) + 1
    }))
  }
  await Promise.all(inFlight)
  return summarize(latencies, (performance.now() - started) / 1000, statuses)
}
