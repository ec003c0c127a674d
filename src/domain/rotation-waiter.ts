import type { RotationNotifications } from '../db/rotation-notifications.js'

/** Why a wait ended: the rotation finished, the listener reconnected (look again), or time ran out. */
export type WakeReason = 'finished' | 'reconnected' | 'timeout'

// A notification can arrive before its waiter subscribes (the worker is quick): remember the
// latest finished ids, so a late subscriber returns at once instead of waiting for the poll.
const RECENT_LIMIT = 10_000

/** In-process dispatch of commit notifications to the requests waiting for them, by rotation id. */
export function createRotationWaiter (notifications: RotationNotifications) {
  const waiting = new Map<string, Set<(reason: WakeReason) => void>>()
  const recent = new Set<string>()

  notifications.onFinished((rotationId) => {
    recent.add(rotationId)
    if (recent.size > RECENT_LIMIT) recent.delete(recent.values().next().value!)
    const wakers = waiting.get(rotationId)
    waiting.delete(rotationId)
    for (const wake of wakers ?? []) wake('finished')
  })
  // Whatever finished while the connection was down was never announced: every waiter looks again.
  notifications.onListening(() => {
    for (const wakers of waiting.values()) for (const wake of wakers) wake('reconnected')
  })

  /** Waits at most `ms` for `rotationId` to finish; resolves early if `signal` aborts. */
  function wait (rotationId: string, ms: number, signal: AbortSignal): Promise<WakeReason> {
    if (recent.has(rotationId)) return Promise.resolve('finished')
    return new Promise((resolve) => {
      const timer = setTimeout(() => done('timeout'), Math.max(0, ms))
      signal.addEventListener('abort', onAbort, { once: true })
      const wakers = waiting.get(rotationId) ?? new Set()
      wakers.add(done)
      waiting.set(rotationId, wakers)
      function onAbort () { done('timeout') }
      function done (reason: WakeReason) {
        clearTimeout(timer)
        signal.removeEventListener('abort', onAbort)
        const set = waiting.get(rotationId)
        set?.delete(done)
        if (set?.size === 0) waiting.delete(rotationId)
        resolve(reason)
      }
    })
  }

  return {
    wait,
    /** Whether commit notifications are arriving; if not, waiters poll at the old, quick pace. */
    get listening () { return notifications.listening },
  }
}

export type RotationWaiter = ReturnType<typeof createRotationWaiter>
