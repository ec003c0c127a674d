import pg from 'pg'
import type { Logger } from 'pino'

/** The channel migration 005's trigger notifies, with the rotation id, when a rotation finishes. */
export const ROTATION_FINISHED_CHANNEL = 'rotation_finished'

export interface RotationNotifications {
  /** Whether the LISTEN connection is up now; while it is not, waiters must poll. */
  readonly listening: boolean
  /** Called with the id of every rotation that finished, once its transaction committed. */
  onFinished: (listener: (rotationId: string) => void) => () => void
  /** Called after every (re)connection: notifications sent while it was down are lost. */
  onListening: (listener: () => void) => () => void
  close: () => Promise<void>
}

export interface ListenOptions { reconnectMinMs?: number; reconnectMaxMs?: number }

/**
 * ONE dedicated connection per process that LISTENs for finished rotations and dispatches them in
 * process (guideline 21). It reconnects with a capped backoff and LISTENs again each time; it
 * never blocks start-up: until it is listening, waiters fall back to polling Postgres.
 */
export function listenForFinishedRotations (connectionString: string, log: Logger, opts: ListenOptions = {}): RotationNotifications {
  const minMs = opts.reconnectMinMs ?? 100
  const maxMs = opts.reconnectMaxMs ?? 5000
  const finished = new Set<(rotationId: string) => void>()
  const listening = new Set<() => void>()
  let client: pg.Client | undefined
  let closed = false
  let retry: NodeJS.Timeout | undefined
  let delay = minMs

  function dropped (c: pg.Client, err?: Error) {
    if (client !== c) return
    client = undefined
    if (!closed) log.warn({ err }, 'rotation notification connection lost; polling until it is back')
    c.end().catch(() => { /* already broken */ })
    schedule()
  }

  function schedule () {
    if (closed || retry) return
    retry = setTimeout(() => { retry = undefined; start() }, delay)
    delay = Math.min(delay * 2, maxMs)
  }

  async function connect () {
    const c = new pg.Client({ connectionString, connectionTimeoutMillis: 3000, keepAlive: true, application_name: 'rotation-notifications' })
    c.on('error', (err) => dropped(c, err))
    c.on('end', () => dropped(c))
    c.on('notification', (msg) => {
      if (msg.channel !== ROTATION_FINISHED_CHANNEL || !msg.payload) return
      for (const listener of finished) listener(msg.payload)
    })
    try {
      await c.connect()
      await c.query(`listen ${ROTATION_FINISHED_CHANNEL}`)
    } catch (err) {
      log.warn({ err }, 'rotation notification connection failed; polling until it is back')
      c.end().catch(() => { /* never connected */ })
      schedule()
      return
    }
    if (closed) {
      await c.end().catch(() => { /* closing anyway */ })
      return
    }
    client = c
    delay = minMs
    for (const listener of listening) listener()
  }

  function start () {
    connect().catch((err: unknown) => log.warn({ err }, 'rotation notification connection failed'))
  }
  start()

  return {
    get listening () { return client !== undefined },
    onFinished (listener) { finished.add(listener); return () => finished.delete(listener) },
    onListening (listener) { listening.add(listener); return () => listening.delete(listener) },
    async close () {
      closed = true
      clearTimeout(retry)
      const c = client
      client = undefined
      await c?.end().catch(() => { /* already gone */ })
    },
  }
}
