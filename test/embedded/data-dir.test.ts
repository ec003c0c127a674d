import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { postgresDataDir } from '../../src/embedded/data-dir.js'
import { isRoot } from '../../src/embedded/reachable.js'

async function tempDir (mode: number) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rotation-data-dir-'))
  await chmod(dir, mode)
  onTestFinished(() => rm(dir, { recursive: true, force: true }))
  return dir
}

describe('postgresDataDir', () => {
  it('keeps using .data/pg once Postgres has made it 0700, so a second npm start finds its cluster', async () => {
    const dataDir = path.join(await tempDir(0o755), '.data')
    expect(await postgresDataDir(dataDir)).toBe(path.join(dataDir, 'pg')) // first start
    await mkdir(path.join(dataDir, 'pg'), { mode: 0o700 }) // what initdb leaves behind
    await chmod(path.join(dataDir, 'pg'), 0o700)
    expect(await postgresDataDir(dataDir)).toBe(path.join(dataDir, 'pg')) // second start: the same cluster
  })

  it.runIf(isRoot())('falls back under /var/tmp when, as root, Postgres\' user cannot get into the data dir', async () => {
    const dataDir = path.join(await tempDir(0o700), '.data')
    const chosen = await postgresDataDir(dataDir)
    onTestFinished(() => rm(path.dirname(chosen), { recursive: true, force: true }))
    expect(chosen).toMatch(/^\/var\/tmp\/webhook-rotation-[0-9a-f]{12}\/pg$/)
    expect(await postgresDataDir(dataDir)).toBe(chosen) // stable across starts
  })
})
