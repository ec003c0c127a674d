import { inject, describe, expect, it } from 'vitest'
import { killWorkerWithRotationsInFlight } from '../../bench/lib/worker-kill.js'
import { createTestDatabase } from '../helper.js'

// `npm run bench:recovery` runs the same scenario several times and reports the recovery p99.
describe('a worker SIGKILLed with 32 rotations in flight, at the default settings', () => {
  it('leaves every one of them to the surviving worker, which finishes each exactly once', async () => {
    const round = await killWorkerWithRotationsInFlight({
      databaseUrl: await createTestDatabase(),
      redisUrl: inject('redisUrl'),
      inFlight: 32,
      // Generous for a loaded machine, yet short of what the old 30 s lock and 30 s stalled check took.
      timeoutMs: 30_000,
    })

    expect(round).toMatchObject({ inFlight: 32, unfinished: 0, wrongVersions: 0 })
    expect(round.recoveryMs).toHaveLength(32)
  }, 120_000)
})
