import { beforeAll, describe, it } from 'vitest'
import { expectOneTraceAcrossProcesses } from '../fixtures/traced-processes.js'
import { createTestDatabase } from '../helper.js'

let databaseUrl: string
beforeAll(async () => { databaseUrl = await createTestDatabase() })

describe('traces from start:api and start:worker', () => {
  it('sends one trace of a rotation, across the API and worker processes, to the OTLP endpoint', async () => {
    await expectOneTraceAcrossProcesses(databaseUrl)
  })
})
