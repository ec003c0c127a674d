import { beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../helper.js'
import { formatSummary, runFuzz } from './harness.js'

// `npm test` runs the short version; `npm run fuzz` sets FUZZ_RUNS=10000 (and FUZZ_SEED to replay a run).
const RUNS = Number(process.env.FUZZ_RUNS ?? 1000)
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined

let databaseUrl: string
beforeAll(async () => { databaseUrl = await createTestDatabase() })

describe('HTTP fuzzing over every route', () => {
  it(`answers ${RUNS} random, malformed and hostile requests without a 5xx, always with catalogue problems, changing the secret only through answered rotations`, async () => {
    const summary = await runFuzz({ databaseUrl, numRuns: RUNS, seed: SEED })
    console.log(formatSummary(summary))
    expect(summary.failure).toBeUndefined()
    expect(summary.requests).toBeGreaterThanOrEqual(RUNS)
  }, Math.max(120_000, RUNS * 200))
})
