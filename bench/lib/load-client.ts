import { spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { LoadJob } from './loadgen.js'
import type { RunStats } from './stats.js'

const LOADGEN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'loadgen.ts')

/** Runs one load job in a fresh load-generator process, so its CPU is not the bench's or the service's. */
export function runLoad (job: LoadJob): Promise<RunStats> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', LOADGEN], { stdio: ['pipe', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', (c: Buffer) => { out += c.toString() })
    child.on('error', reject)
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`load generator exited with ${code}`))
      try { resolve(JSON.parse(out) as RunStats) } catch (err) { reject(err) }
    })
    child.stdin.end(JSON.stringify(job))
  })
}
