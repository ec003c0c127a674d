import { spawn, type ChildProcess } from 'node:child_process'

export interface ServiceProcess {
  name: string
  /** SIGKILLs it (an expected death) and waits for it to be gone. */
  kill: () => Promise<void>
  /** Starts it again (after a kill). */
  start: () => void
  /** Resolves once the process logged that it started. */
  ready: () => Promise<void>
  running: () => boolean
  /** Since when it has been up (logged that it started, not killed since), or null. */
  upSince: () => number | null
  /** Kills it for good at the end of the run. */
  stop: () => Promise<void>
}

export interface UnexpectedExit { name: string; at: number; code: number | null; signal: string | null; lastOutput: string }

/** How the harness starts the service: the production build (as `start:*:prod`) or the sources under tsx. */
export type Entry = 'dist' | 'tsx'
const ENTRY_ARGS: Record<Entry, string[]> = {
  dist: ['dist/src/main.js'],
  tsx: ['--import', 'tsx', 'src/main.ts'],
}

/**
 * One `npm run start:api:prod` / `start:worker:prod` equivalent (`node dist/src/main.js --role …`),
 * or with `tsx` the development one. A death the harness did not cause is recorded (and the
 * process restarted), so it can fail the run.
 */
export function serviceProcess (name: string, role: 'api' | 'worker', env: Record<string, string>, unexpected: UnexpectedExit[], entry: Entry = 'dist'): ServiceProcess {
  let child: ChildProcess | undefined
  let killing = false
  let started: Promise<void> = Promise.resolve()
  let stopped = false
  let upSince: number | null = null

  function start () {
    killing = false
    upSince = null
    let output = ''
    const c = spawn(process.execPath, [...ENTRY_ARGS[entry], '--role', role], {
      env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
    })
    child = c
    started = new Promise<void>((resolve) => {
      const onData = (d: Buffer) => {
        output = (output + d.toString()).slice(-3000)
        if (upSince === null && child === c && output.includes('"msg":"started"')) { upSince = Date.now(); resolve() }
      }
      c.stdout!.on('data', onData)
      c.stderr!.on('data', onData)
      c.once('exit', () => resolve())
    })
    c.once('exit', (code, signal) => {
      if (killing || stopped) return
      unexpected.push({ name, at: Date.now(), code, signal, lastOutput: output.slice(-1500) })
      // Keep the run going so the other checks still say something; the exit alone fails it.
      if (child === c) start()
    })
  }

  async function kill () {
    const c = child
    if (!c || c.exitCode !== null || c.signalCode !== null) return
    killing = true
    upSince = null
    const gone = new Promise<void>((resolve) => c.once('exit', () => resolve()))
    c.kill('SIGKILL')
    await gone
  }

  return {
    name,
    start,
    kill,
    ready: () => started,
    running: () => !!child && child.exitCode === null && child.signalCode === null,
    upSince: () => upSince,
    stop: async () => { stopped = true; await kill() },
  }
}
